"""The counsellors' console over HTTP: sign-in, sessions, CSRF, roles, the queue and the actions."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator

import httpx
import pytest
from anyio.from_thread import BlockingPortal
from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bot import counsellors
from bot.app import create_app
from bot.domain import Inbound, Media
from bot.runtime import Runtime
from bot.storage import AuditEvent, Counsellor, Message, Ticket
from handlers.console import ConsoleAdapter

from ..bot.conftest import KeywordParser
from ..bot.test_escalation import fast_passwords  # noqa: F401 - an autouse fixture

PASSWORD = "correct horse battery"


@pytest.fixture
def runtime(make_runtime: Callable[..., Runtime]) -> Runtime:
    runtime = make_runtime(parse=KeywordParser())
    for name, languages, role in [
        ("Amina", "fr,en", "counsellor"),
        ("Omar", "ar", "counsellor"),
        ("Chief", "fr", "supervisor"),
        ("Root", "en", "admin"),
    ]:
        with runtime.db.session() as s:
            counsellors.add(s, name, languages.split(","), role, PASSWORD)
    return runtime


@pytest.fixture
def app(runtime: Runtime) -> Starlette:
    return create_app(runtime)


ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}


@pytest.fixture
def client(app: Starlette) -> Iterator[TestClient]:
    with TestClient(app, headers=ENGLISH) as c:
        yield c


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def sign_in(client: TestClient, name: str = "Amina", password: str = PASSWORD) -> str:
    """Sign in; returns the CSRF token of the new session."""
    token = csrf_of(client.get("/console/login").text)
    response = client.post(
        "/console/login", data={"csrf": token, "name": name, "password": password}
    )
    assert response.status_code == 200 and response.url.path == "/console/", response.text
    return csrf_of(response.text)


def write(client: TestClient, session: str, text: str) -> None:
    assert (
        client.post("/api/webchat/messages", json={"session": session, "text": text}).status_code
        == 200
    )


def tickets(runtime: Runtime) -> list[Ticket]:
    with runtime.db.session() as s:
        return list(s.scalars(select(Ticket).order_by(Ticket.id)))


def flash(html: str) -> str:
    found = re.search(r'class="flash[^"]*"[^>]*>([^<]*)<', html)
    return found.group(1) if found else ""


# --- no session, no data ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/console/",
        "/console/board",
        "/console/tickets/1",
        "/console/tickets/1/case",
        "/console/events",
        "/console/media/1/0",
        "/console/supervision",
        "/console/accounts",
    ],
)
def test_without_a_session_every_page_redirects_to_the_sign_in_page(
    client: TestClient, runtime: Runtime, path: str
) -> None:
    write(client, "session-critical-1", "i want to kill myself")
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/console/login")
    assert "kill" not in response.text and "critical" not in response.text


def test_without_a_session_a_form_changes_nothing(client: TestClient, runtime: Runtime) -> None:
    write(client, "session-critical-1", "i want to kill myself")
    response = client.post("/console/tickets/1/claim", data={"csrf": "x"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/console/login"
    assert tickets(runtime)[0].status == "queued"


def test_console_without_a_slash_leads_to_the_queue(client: TestClient) -> None:
    response = client.get("/console", follow_redirects=False)
    assert response.status_code in (307, 308) and response.headers["location"].endswith("/console/")


# --- signing in -------------------------------------------------------------------------------


def test_signing_in_sets_a_strict_session_cookie_and_puts_the_counsellor_on_duty(
    client: TestClient, runtime: Runtime
) -> None:
    token = csrf_of(client.get("/console/login").text)
    response = client.post(
        "/console/login",
        follow_redirects=False,
        data={"csrf": token, "name": "Amina", "password": PASSWORD, "next": "/console/supervision"},
    )
    assert response.status_code == 303 and response.headers["location"] == "/console/supervision"
    cookie = response.headers["set-cookie"].lower()
    assert "sanad_console=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert "path=/console" in cookie and "secure" not in cookie  # http://127.0.0.1 in tests
    with runtime.db.session() as s:
        assert s.scalar(select(Counsellor.on_duty).where(Counsellor.name == "Amina")) is True
    assert csrf_of(client.get("/console/").text) != token  # a new session, a new token


def test_the_cookie_is_https_only_when_the_public_url_is_https(
    make_runtime: Callable[..., Runtime],
) -> None:
    runtime = make_runtime(parse=KeywordParser(), public_url="https://sanad.example.org")
    with runtime.db.session() as s:
        counsellors.add(s, "Amina", ["fr"], "counsellor", PASSWORD)
    with TestClient(create_app(runtime), base_url="https://testserver", headers=ENGLISH) as client:
        page = client.get("/console/login")
        assert "; secure" in page.headers["set-cookie"].lower()
        token = csrf_of(page.text)
        response = client.post(
            "/console/login",
            follow_redirects=False,
            data={"csrf": token, "name": "Amina", "password": PASSWORD},
        )
        assert response.status_code == 303 and "; secure" in response.headers["set-cookie"].lower()


def test_a_wrong_name_or_password_gets_one_generic_error(client: TestClient) -> None:
    token = csrf_of(client.get("/console/login").text)
    wrong_password = client.post(
        "/console/login", data={"csrf": token, "name": "Amina", "password": "nope"}
    )
    unknown = client.post(
        "/console/login", data={"csrf": token, "name": "Nobody", "password": "nope"}
    )
    for response in (wrong_password, unknown):
        assert response.status_code == 401
        assert "The name or the password is wrong." in response.text
    assert client.get("/console/", follow_redirects=False).status_code == 303  # still signed out


def test_sign_in_attempts_are_rate_limited(client: TestClient) -> None:
    token = csrf_of(client.get("/console/login").text)
    for _ in range(5):
        client.post("/console/login", data={"csrf": token, "name": "Amina", "password": "guess"})
    right = client.post(
        "/console/login", data={"csrf": token, "name": "Amina", "password": PASSWORD}
    )
    assert right.status_code == 429
    assert "Too many attempts" in right.text
    assert sign_in(client, "Chief")  # another account is not locked by Amina's attempts


def test_a_redirect_after_signing_in_stays_inside_the_console(client: TestClient) -> None:
    token = csrf_of(client.get("/console/login").text)
    response = client.post(
        "/console/login",
        follow_redirects=False,
        data={
            "csrf": token,
            "name": "Amina",
            "password": PASSWORD,
            "next": "//evil.example/console/",
        },
    )
    assert response.headers["location"] == "/console/"


def test_a_deactivated_account_or_a_new_password_ends_the_session(
    client: TestClient, runtime: Runtime
) -> None:
    sign_in(client)
    with runtime.db.session() as s:
        counsellors.set_password(s, "Amina", "another long password")
    assert client.get("/console/", follow_redirects=False).status_code == 303


def test_signing_out_ends_the_session_and_the_duty(client: TestClient, runtime: Runtime) -> None:
    token = sign_in(client)
    response = client.post("/console/logout", data={"csrf": token})
    assert "You are signed out." in response.text
    assert client.get("/console/", follow_redirects=False).status_code == 303
    with runtime.db.session() as s:
        assert s.scalar(select(Counsellor.on_duty).where(Counsellor.name == "Amina")) is False


# --- CSRF -------------------------------------------------------------------------------------


def test_a_form_without_the_sessions_csrf_token_is_refused(
    client: TestClient, runtime: Runtime
) -> None:
    write(client, "session-person-01", "i want a human counsellor")
    sign_in(client)
    for data in ({}, {"csrf": "forged"}):
        response = client.post("/console/tickets/1/claim", data=data)
        assert response.status_code == 403
        assert "This form has expired" in response.text
    assert tickets(runtime)[0].status == "queued"
    fresh = TestClient(client.app, headers=ENGLISH)
    assert (
        fresh.post("/console/login", data={"name": "Amina", "password": PASSWORD}).status_code
        == 403
    )


# --- the queue and a conversation -------------------------------------------------------------


def test_the_queue_shows_priority_language_waiting_time_and_reason_critical_first(
    client: TestClient, runtime: Runtime
) -> None:
    write(client, "session-person-01", "i want a human counsellor")
    write(client, "session-person-02", "i want to kill myself")
    sign_in(client)
    board = client.get("/console/board").text
    rows = re.findall(r'<tr class="ticket priority-(\w+)" data-ticket="(\d+)"', board)
    assert rows == [("critical", "2"), ("normal", "1")]
    assert "Danger now" in board and "Asked for a person" in board and "English" in board
    assert "<html" not in board  # a fragment, for the live refresh
    assert "kill" not in board  # no message content in the queue


def test_claiming_replying_and_closing_through_the_console(
    client: TestClient, runtime: Runtime
) -> None:
    write(client, "session-person-01", "j'ai besoin d'un avocat")
    write(client, "session-person-01", "je veux un conseiller")
    token = sign_in(client)
    page = client.post("/console/tickets/1/claim", data={"csrf": token})
    assert page.url.path == "/console/tickets/1"
    assert flash(page.text) == "The conversation is yours: the person was told."
    assert '<p class="text" dir="auto">j&#39;ai besoin d&#39;un avocat</p>' in page.text
    assert 'data-text="Bonjour, je suis conseillère."' in page.text  # canned, in French
    page = client.post(
        "/console/tickets/1/reply", data={"csrf": token, "text": "Bonjour, je m'appelle Amina."}
    )
    assert "Bonjour, je m&#39;appelle Amina." in page.text
    page = client.post(
        "/console/tickets/1/note", data={"csrf": token, "text": "Needs a lawyer in Oujda"}
    )
    assert re.search(r'class="line note".*Needs a lawyer in Oujda', page.text, re.S)
    page = client.post("/console/tickets/1/close", data={"csrf": token, "outcome": "referral"})
    assert page.url.path == "/console/" and flash(page.text).startswith("Closed;")
    assert tickets(runtime)[0].outcome == "referral"
    back = client.post(
        "/api/webchat/messages", json={"session": "session-person-01", "text": "avocat"}
    )
    assert back.json()["state"] == "bot"


def test_the_loser_of_a_claim_is_told_who_was_first(app: Starlette, runtime: Runtime) -> None:
    with TestClient(app, headers=ENGLISH) as amina, TestClient(app, headers=ENGLISH) as omar:
        write(amina, "session-person-01", "i want a human counsellor")
        amina_token, omar_token = sign_in(amina), sign_in(omar, "Omar")
        amina.post("/console/tickets/1/claim", data={"csrf": amina_token})
        page = omar.post("/console/tickets/1/claim", data={"csrf": omar_token})
        assert page.url.path == "/console/"
        assert flash(page.text) == "Amina took this conversation a moment before you."
        page = omar.post("/console/tickets/1/reply", data={"csrf": omar_token, "text": "hi"})
        assert (
            flash(page.text)
            == "This conversation is with a colleague: ask a supervisor if you need it."
        )
    with runtime.db.session() as s:
        assert s.scalar(select(func.count()).where(Message.direction == "counsellor")) == 0


def test_a_reply_to_a_closed_ticket_is_refused_with_a_clear_message(client: TestClient) -> None:
    write(client, "session-person-01", "i want a human counsellor")
    token = sign_in(client)
    client.post("/console/tickets/1/claim", data={"csrf": token})
    client.post("/console/tickets/1/close", data={"csrf": token, "outcome": "information"})
    page = client.post("/console/tickets/1/reply", data={"csrf": token, "text": "one more thing"})
    assert flash(page.text) == "This conversation is closed: nothing was sent."


def test_opening_a_conversation_is_audited_but_its_live_refresh_is_not(
    client: TestClient, runtime: Runtime
) -> None:
    write(client, "session-person-01", "i want a human counsellor")
    sign_in(client)
    assert client.get("/console/tickets/1").status_code == 200
    assert client.get("/console/tickets/1/case").status_code == 200
    with runtime.db.session() as s:
        assert [(e.action, e.subject) for e in s.scalars(select(AuditEvent))] == [
            ("open_conversation", "conversation:1")
        ]


def test_arabic_messages_are_shown_right_to_left(client: TestClient) -> None:
    write(client, "session-person-03", "مرحبا أريد مستشار")
    token = sign_in(client, "Omar")
    page = client.post("/console/tickets/1/claim", data={"csrf": token}).text
    assert '<p class="text" dir="auto">مرحبا أريد مستشار</p>' in page
    assert 'data-text="مرحباً، أنا مستشارة."' in page  # Arabic canned replies


def test_the_console_speaks_the_counsellors_language(client: TestClient) -> None:
    token = csrf_of(client.get("/console/login").text)
    page = client.post(
        "/console/language", data={"csrf": token, "lang": "ar", "back": "/console/login"}
    )
    assert '<html lang="ar" dir="rtl">' in page.text


def test_transfer_and_release(app: Starlette, runtime: Runtime) -> None:
    with TestClient(app, headers=ENGLISH) as client:
        write(client, "session-person-01", "i want a human counsellor")
        token = sign_in(client)
        client.post("/console/tickets/1/claim", data={"csrf": token})
        omar = next(t.id for t in _accounts(runtime) if t.name == "Omar")
        page = client.post("/console/tickets/1/transfer", data={"csrf": token, "to": str(omar)})
        assert flash(page.text) == "The conversation was passed to Omar."
        assert tickets(runtime)[0].counsellor_id == omar
    with TestClient(app, headers=ENGLISH) as client:
        token = sign_in(client, "Omar")
        page = client.post("/console/tickets/1/release", data={"csrf": token})
        assert flash(page.text) == "The conversation is back in the queue."
        assert tickets(runtime)[0].status == "queued"


def _accounts(runtime: Runtime) -> list[Counsellor]:
    with runtime.db.session() as s:
        return counsellors.accounts(s)


# --- roles ------------------------------------------------------------------------------------


def test_supervision_is_for_supervisors(client: TestClient, runtime: Runtime) -> None:
    write(client, "session-person-01", "i want to kill myself")
    sign_in(client)
    assert client.get("/console/supervision").status_code == 403
    client.post("/console/logout", data={"csrf": csrf_of(client.get("/console/").text)})
    sign_in(client, "Chief")
    page = client.get("/console/supervision")
    assert page.status_code == 200
    assert re.search(r'id="queue-length">1<', page.text)
    assert "Chief" in page.text  # online: on duty and seen just now


def test_accounts_are_for_administrators(client: TestClient, runtime: Runtime) -> None:
    sign_in(client, "Chief")
    assert client.get("/console/accounts").status_code == 403
    client.post("/console/logout", data={"csrf": csrf_of(client.get("/console/").text)})
    token = sign_in(client, "Root")
    page = client.post(
        "/console/accounts",
        data={
            "csrf": token,
            "name": "Salma",
            "languages": "ar,fr",
            "role": "counsellor",
            "password": "a long password",
        },
    )
    assert flash(page.text) == "Salma can now sign in."
    page = client.post(
        "/console/accounts",
        data={
            "csrf": token,
            "name": "Short",
            "languages": "fr",
            "role": "counsellor",
            "password": "short",
        },
    )
    assert "too short" in flash(page.text)
    salma = next(a for a in _accounts(runtime) if a.name == "Salma")
    client.post(f"/console/accounts/{salma.id}/active", data={"csrf": token, "active": "0"})
    assert not next(a for a in _accounts(runtime) if a.name == "Salma").active


# --- voicemail playback -----------------------------------------------------------------------


def test_a_voicemail_is_fetched_with_the_accounts_credentials_and_only_from_twilio(
    make_runtime: Callable[..., Runtime], portal: object
) -> None:
    runtime = make_runtime(
        parse=KeywordParser(),
        twilio_account_sid="AC123",
        twilio_auth_token="secret",
        twilio_api_url="https://twilio.test",
    )
    with runtime.db.session() as s:
        counsellors.add(s, "Amina", ["fr"], "counsellor", PASSWORD)
    seen: list[httpx.Request] = []

    def provider(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.host == "twilio.test":
            return httpx.Response(302, headers={"location": "https://storage.test/RE1.wav"})
        return httpx.Response(200, content=b"RIFF....WAVE", headers={"content-type": "audio/x-wav"})

    adapter = ConsoleAdapter(runtime)
    adapter.console.http = httpx.AsyncClient(transport=httpx.MockTransport(provider))
    for n, ref in enumerate(
        [
            "https://twilio.test/2010-04-01/Accounts/AC123/Recordings/RE1",
            "https://evil.example/steal",
        ]
    ):
        portal.call(
            runtime.engine.handle,
            Inbound(  # type: ignore[attr-defined]
                "voice", f"+21260000000{n}", "", media=(Media("recording", ref, "audio/wav"),)
            ),
        )
    with TestClient(Starlette(routes=list(adapter.routes())), headers=ENGLISH) as client:
        sign_in(client)
        with runtime.db.session() as s:
            first, second = s.scalars(
                select(Message.id).where(Message.media_type == "recording").order_by(Message.id)
            ).all()
        page = client.get("/console/tickets/1").text
        assert f'<audio controls preload="none" src="/console/media/{first}/0">' in page
        assert "twilio.test" not in page  # the recording's address never reaches the browser
        audio = client.get(f"/console/media/{first}/0")
        assert audio.status_code == 200 and audio.content == b"RIFF....WAVE"
        assert audio.headers["content-type"] == "audio/x-wav"
        assert seen[0].headers["authorization"] == "Basic " + "QUMxMjM6c2VjcmV0"  # AC123:secret
        assert seen[1].url.host == "storage.test" and "authorization" not in seen[1].headers
        assert client.get(f"/console/media/{second}/0").status_code == 404
        assert len(seen) == 2  # nothing was sent to evil.example
    portal.call(adapter.console.http.aclose)  # type: ignore[attr-defined]


def test_every_word_of_the_console_is_reachable_by_its_name(runtime: Runtime) -> None:
    from handlers.console.words import WORDS, Words

    words = Words(runtime.engine.renderer, "en")
    for name, text in WORDS.items():
        assert getattr(words, name) == text.source, name  # not shadowed by a method


@pytest.fixture
def console_with_checkins(client: TestClient, runtime: Runtime) -> str:
    """A person with two past check-ins (one answered with distress, one missed) who asks for a
    counsellor; the page of their ticket."""
    from datetime import UTC, datetime, timedelta

    from bot.storage import CheckIn, CheckInAnswer, CheckInPlan, Contact

    write(client, "session-person-09", "i want a human counsellor")
    start = datetime(2026, 11, 1, 17, 0, tzinfo=UTC)
    with runtime.db.session() as s:
        contact = s.scalars(select(Contact)).one()
        plan = CheckInPlan(
            contact_id=contact.id,
            questionnaire="wellbeing",
            every_days=3,
            time_of_day="18:00",
            consent_at=start,
        )
        s.add(plan)
        s.flush()
        answered = CheckIn(
            plan_id=plan.id,
            contact_id=contact.id,
            due_at=start,
            status="completed",
            score=4,
            outcome="offer",
        )
        missed = CheckIn(
            plan_id=plan.id,
            contact_id=contact.id,
            due_at=start + timedelta(days=3),
            status="missed",
        )
        s.add_all([answered, missed])
        s.flush()
        s.add(
            CheckInAnswer(
                checkin_id=answered.id,
                contact_id=contact.id,
                item="mood",
                flagged=True,
                free_text=runtime.vault.encrypt("not good"),
            )
        )
    token = sign_in(client)
    return client.post("/console/tickets/1/claim", data={"csrf": token}).text


def test_a_counsellor_sees_the_check_in_history_and_score_trend(console_with_checkins: str) -> None:
    page = console_with_checkins
    assert "Check-ins" in page and "Every 3 days · active" in page
    assert '<svg class="trend"' in page and "<polyline points=" in page
    assert page.count('<li class="checkin ') == 2
    assert "score 4" in page and "a counsellor was offered" in page
    assert "1 worrying free-text answer(s)" in page


def test_guesses_sent_in_parallel_cannot_pass_the_attempt_limit(
    app: Starlette, portal: BlockingPortal
) -> None:
    """Each attempt is counted before the password is checked, so 25 guesses at once give at
    most 5 password checks."""
    with TestClient(app, headers=ENGLISH) as client:
        token = csrf_of(client.get("/console/login").text)
        cookies = dict(client.cookies)

    async def guess_all() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", cookies=cookies, headers=ENGLISH
        ) as c:

            async def guess(n: int) -> int:
                response = await c.post(
                    "/console/login",
                    data={"csrf": token, "name": "Amina", "password": f"wrong {n}"},
                )
                return response.status_code

            return list(await asyncio.gather(*(guess(n) for n in range(25))))

    codes = portal.call(guess_all)
    assert codes.count(401) <= 5 and codes.count(429) >= 20
