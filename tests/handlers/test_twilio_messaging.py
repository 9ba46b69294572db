"""WhatsApp and SMS through the real `twilio` SDK, against a fake Twilio REST API on 127.0.0.1;
webhooks signed with Twilio's own algorithm."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import func, select
from starlette.testclient import TestClient

from bot.app import create_app
from bot.domain import Option, Reply, Text, Verbatim
from bot.runtime import Runtime
from bot.storage import Contact, Message, Outbound, Ticket
from bot.testing import Clock
from tests.fakes.live import free_port
from tests.fakes.twilio_api import FakeTwilio
from tests.fakes.twilio_signing import signed_headers

from ..bot.conftest import KeywordParser
from ..conftest import FIXTURE_CONTENT, ROOT

PUBLIC_URL = "https://sanad.example.org"
WEBHOOK = "/webhooks/twilio/messaging"
STATUS = WEBHOOK + "/status"
SMS_FROM = "+212522000000"
WHATSAPP_FROM = "+14155238886"
TEMPLATE = "HX" + "ab" * 16
AMINA, JOHN, FATIMA = "+212600000001", "+447700900002", "+212600000003"
TWIML = ROOT / "tests" / "specs" / "twiml"


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    with FakeTwilio() as fake:
        yield fake


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))


@pytest.fixture
def make(
    make_runtime: Callable[..., Runtime], twilio: FakeTwilio, clock: Clock
) -> Callable[..., Runtime]:
    def build(**changes: Any) -> Runtime:
        values: dict[str, Any] = {
            "parse": KeywordParser(),
            "clock": clock,
            "public_url": PUBLIC_URL,
            "twilio_messaging_from": SMS_FROM,
            "twilio_whatsapp_from": WHATSAPP_FROM,
            **twilio.settings(),
        }
        values.update(changes)
        return make_runtime(**values)

    return build


@pytest.fixture
def runtime(make: Callable[..., Runtime]) -> Runtime:
    return make()


@pytest.fixture
def client(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setattr(runtime, "workers", lambda: {})  # the tests drive the outbox
    with TestClient(create_app(runtime)) as c:
        yield c


def deliver(client: TestClient, runtime: Runtime) -> None:
    while client.portal.call(runtime.outbox.deliver_due) > 0:  # type: ignore[union-attr]
        pass


def post(
    client: TestClient,
    path: str,
    form: dict[str, str],
    *,
    token: str | None,
    url: str | None = None,
) -> Any:
    headers = (
        signed_headers(url or PUBLIC_URL + path, form, token)
        if token
        else {"Content-Type": "application/x-www-form-urlencoded"}
    )
    return client.post(path, data=form, headers=headers)


class Phone:
    """A person's phone: writes to Sanad's number, reads what Twilio was asked to send back."""

    def __init__(
        self, client: TestClient, runtime: Runtime, twilio: FakeTwilio, address: str
    ) -> None:
        self.client, self.runtime, self.twilio, self.address = client, runtime, twilio, address

    def send(self, text: str, **extra: str) -> Any:
        form = self.twilio.inbound_form(self.address, text, **extra)
        return post(self.client, WEBHOOK, form, token=self.twilio.auth_token)

    def say(self, text: str, **extra: str) -> list[str]:
        before = len(self.twilio.to(self.address))
        response = self.send(text, **extra)
        assert response.status_code == 200, response.text
        deliver(self.client, self.runtime)
        return [m.get("Body", "") for m in self.twilio.to(self.address)[before:]]


def count(runtime: Runtime, model: type) -> int:
    with runtime.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def tickets(runtime: Runtime) -> list[tuple[str, str, str | None, str]]:
    with runtime.db.session() as s:
        return [(t.status, t.reason, t.language, t.channel) for t in s.scalars(select(Ticket))]


def outbox(runtime: Runtime) -> list[Outbound]:
    with runtime.db.session() as s:
        rows = list(s.scalars(select(Outbound).order_by(Outbound.id)))
        s.expunge_all()
        return rows


# --- conversations in each language ---------------------------------------------------------------


def test_a_french_whatsapp_conversation_reaches_legal_aid_and_a_counsellor(
    client: TestClient, runtime: Runtime, twilio: FakeTwilio
) -> None:
    fatima = Phone(client, runtime, twilio, "whatsapp:" + FATIMA)
    assert fatima.say("bonjour") == [
        "Bienvenue sur la ligne de test.\n\nMenu principal :\n1. Aide juridique\n"
        "2. Parler à quelqu'un\n"
        "3. Changer de langue\n4. Effacer mes données"
    ]
    assert fatima.say("1") == ["L'aide judiciaire donne un avocat.\n1. Où ?\n2. Menu principal"]
    assert fatima.say("2")[0].startswith("Menu principal :\n1. Aide juridique")
    (handoff,) = fatima.say("2")
    assert handoff.startswith("Je vous passe un conseiller.\n\n") and "queue" in handoff
    assert tickets(runtime) == [("queued", "talk_to_human", "fr", "whatsapp")]
    sent = twilio.to("whatsapp:" + FATIMA)[0]
    assert sent["From"] == "whatsapp:" + WHATSAPP_FROM
    assert sent["StatusCallback"] == PUBLIC_URL + STATUS
    assert twilio.problems == []


def test_an_arabic_sms_conversation_reaches_legal_aid_and_a_counsellor(
    client: TestClient, runtime: Runtime, twilio: FakeTwilio
) -> None:
    amina = Phone(client, runtime, twilio, AMINA)
    (menu,) = amina.say("مرحبا")
    assert menu.startswith("مرحباً بك في خط الاختبار.") and "\n1. المساعدة القانونية\n" in menu
    assert amina.say("1") == ["المساعدة القضائية توفر محامياً.\n1. أين؟\n2. القائمة الرئيسية"]
    (handoff,) = amina.say("أريد مستشار")
    assert handoff.startswith("سأحولك إلى مستشار.")
    assert tickets(runtime) == [("queued", "talk_to_human", "ar", "sms")]
    assert twilio.to(AMINA)[0]["From"] == SMS_FROM and twilio.problems == []


def test_an_english_sms_conversation_chooses_its_language_by_number(
    client: TestClient, runtime: Runtime, twilio: FakeTwilio
) -> None:
    john = Phone(client, runtime, twilio, JOHN)
    (question,) = john.say("hi")  # not clear enough to know the language: asked, in each one
    assert "Choisissez votre langue :" in question and "Choose your language:" in question
    assert question.endswith("1. Français\n2. العربية\n3. English")
    (chosen,) = john.say("3")
    assert chosen.startswith("Language set.\n\nMain menu:\n1. Legal aid")
    assert john.say("1") == ["Legal aid gives a lawyer.\n1. Where?\n2. Main menu"]
    (handoff,) = john.say("I want a counsellor")
    assert handoff.startswith("Passing you to a counsellor.")
    assert tickets(runtime) == [("queued", "talk_to_human", "en", "sms")]


CONVERSATIONS = {
    "fr": (
        "bonjour",
        "L'aide judiciaire donne un avocat.",
        "je veux un conseiller",
        "Je vous passe un conseiller.",
    ),
    "ar": ("مرحبا", "المساعدة القضائية توفر محامياً.", "أريد مستشار", "سأحولك إلى مستشار."),
    "en": (
        "hello",
        "Legal aid gives a lawyer.",
        "I want a counsellor",
        "Passing you to a counsellor.",
    ),
}


@pytest.mark.parametrize("language", sorted(CONVERSATIONS))
@pytest.mark.parametrize("channel", ["whatsapp", "sms"])
def test_in_every_language_and_on_both_channels_legal_aid_then_a_counsellor(
    client: TestClient, runtime: Runtime, twilio: FakeTwilio, channel: str, language: str
) -> None:
    greeting, legal_aid, ask_for_someone, handed_over = CONVERSATIONS[language]
    address = ("whatsapp:" if channel == "whatsapp" else "") + FATIMA
    person = Phone(client, runtime, twilio, address)
    (menu,) = person.say(greeting)
    assert "\n1. " in menu and "\n4. " in menu  # the main menu, numbered
    assert person.say("1")[0].startswith(legal_aid + "\n1. ")  # "1": the first option, legal aid
    assert person.say(ask_for_someone)[0].startswith(handed_over)
    assert tickets(runtime) == [("queued", "talk_to_human", language, channel)]
    assert twilio.problems == []


def test_sms_uses_the_short_variant_of_an_answer_and_whatsapp_the_full_one(
    make: Callable[..., Runtime],
    twilio: FakeTwilio,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    answers = content / "locales" / "fr" / "answers" / "legal.yml"
    answers.write_text(
        answers.read_text(encoding="utf-8").replace(
            '  voice: "L\'aide judiciaire donne un avocat."',
            '  short: "Un avocat gratuit."\n  voice: "L\'aide judiciaire donne un avocat."',
            1,
        ),
        encoding="utf-8",
    )
    runtime = make(content_dir=content)
    monkeypatch.setattr(runtime, "workers", lambda: {})
    with TestClient(create_app(runtime)) as client:
        sms = Phone(client, runtime, twilio, AMINA)
        sms.say("bonjour")
        assert sms.say("j'ai besoin d'un avocat")[0].startswith("Un avocat gratuit.\n1.")
        whatsapp = Phone(client, runtime, twilio, "whatsapp:" + FATIMA)
        whatsapp.say("bonjour")
        assert whatsapp.say("j'ai besoin d'un avocat")[0].startswith(
            "L'aide judiciaire donne un avocat.\n1."
        )


# --- the webhook: signatures, bad input, duplicates, media ----------------------------------------


def test_the_webhook_answers_empty_twiml_that_the_schema_accepts(
    client: TestClient, runtime: Runtime, twilio: FakeTwilio
) -> None:
    response = Phone(client, runtime, twilio, AMINA).send("bonjour")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/xml")
    assert response.text == '<?xml version="1.0" encoding="UTF-8"?><Response />'

    class Local(etree.Resolver):
        def resolve(self, url: str, pubid: str, context: Any) -> Any:
            if url.endswith("xml.xsd"):
                return self.resolve_filename(str(TWIML / "xml.xsd"), context)
            return None

    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(Local())
    schema = etree.XMLSchema(
        etree.parse(str(TWIML / "twiml_v20100401_twilioRealtimeCallSchema.xsd"), parser)
    )
    assert schema.validate(etree.fromstring(response.content)), schema.error_log
    assert twilio.messages == []  # nothing is sent from inside the webhook


@pytest.mark.parametrize("how", ["missing", "other token", "other url", "tampered"])
def test_a_webhook_without_a_valid_signature_is_refused_and_leaves_no_trace(
    client: TestClient, runtime: Runtime, twilio: FakeTwilio, how: str
) -> None:
    form = twilio.inbound_form(AMINA, "j'ai besoin d'un avocat")
    if how == "missing":
        response = post(client, WEBHOOK, form, token=None)
    elif how == "other token":
        response = post(client, WEBHOOK, form, token="not-the-auth-token")
    elif how == "other url":
        response = post(
            client, WEBHOOK, form, token=twilio.auth_token, url="https://evil.example" + WEBHOOK
        )
    else:
        headers = signed_headers(PUBLIC_URL + WEBHOOK, form, twilio.auth_token)
        response = client.post(WEBHOOK, data={**form, "Body": "something else"}, headers=headers)
    assert response.status_code == 403
    deliver(client, runtime)
    assert count(runtime, Contact) == count(runtime, Message) == count(runtime, Outbound) == 0
    assert twilio.messages == []


@pytest.mark.parametrize("drop", ["From", "MessageSid"])
def test_a_form_without_sender_or_message_id_is_a_400(
    client: TestClient, runtime: Runtime, twilio: FakeTwilio, drop: str
) -> None:
    form = twilio.inbound_form(AMINA, "bonjour")
    form.pop(drop)
    if drop == "MessageSid":
        form.pop("SmsSid"), form.pop("SmsMessageSid")
    response = post(client, WEBHOOK, form, token=twilio.auth_token)
    assert response.status_code == 400 and "MessageSid" in response.text
    assert count(runtime, Contact) == 0


def test_a_signed_body_that_is_not_a_form_is_a_400(client: TestClient, twilio: FakeTwilio) -> None:
    headers = signed_headers(PUBLIC_URL + WEBHOOK, {}, twilio.auth_token)
    headers["Content-Type"] = "application/json"
    assert client.post(WEBHOOK, content=b'{"From": "+1"}', headers=headers).status_code == 400


def test_the_same_message_twice_is_processed_once(
    client: TestClient, runtime: Runtime, twilio: FakeTwilio
) -> None:
    form = twilio.inbound_form(AMINA, "bonjour")
    assert post(client, WEBHOOK, form, token=twilio.auth_token).status_code == 200
    assert post(client, WEBHOOK, form, token=twilio.auth_token).status_code == 200  # Twilio retried
    deliver(client, runtime)
    assert len(twilio.to(AMINA)) == 1
    with runtime.db.session() as s:
        assert s.scalar(select(func.count()).where(Message.direction == "in")) == 1


def test_a_photo_is_acknowledged_and_kept_for_the_counsellors(
    client: TestClient, runtime: Runtime, twilio: FakeTwilio
) -> None:
    fatima = Phone(client, runtime, twilio, "whatsapp:" + FATIMA)
    fatima.say("bonjour")
    url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"
    (reply,) = fatima.say("", NumMedia="1", MediaUrl0=url, MediaContentType0="image/jpeg")
    assert "received" in reply
    with runtime.db.session() as s:
        message = s.scalars(select(Message).where(Message.media_type == "photo")).one()
        body = json.loads(runtime.vault.decrypt(message.body) or "{}")
    assert body["media"] == [{"kind": "photo", "ref": url, "mime": "image/jpeg"}]


def test_deleting_ones_data_is_confirmed_although_the_address_is_gone(
    client: TestClient, runtime: Runtime, twilio: FakeTwilio
) -> None:
    fatima = Phone(client, runtime, twilio, FATIMA)
    fatima.say("bonjour")
    assert fatima.say("effacer")[0].startswith("Tout effacer ?")
    assert fatima.say("1") == ["Effacé."]
    assert count(runtime, Contact) == count(runtime, Outbound) == 0


# --- delivery reports -----------------------------------------------------------------------------


def test_status_callbacks_are_signed_and_recorded(
    client: TestClient, runtime: Runtime, twilio: FakeTwilio
) -> None:
    Phone(client, runtime, twilio, AMINA).say("bonjour")
    sid = twilio.to(AMINA)[0]["sid"]
    assert (
        post(client, STATUS, twilio.status_form(sid, "delivered"), token="wrong").status_code == 403
    )
    assert outbox(runtime)[0].delivery_status is None
    assert (
        post(
            client, STATUS, twilio.status_form(sid, "delivered"), token=twilio.auth_token
        ).status_code
        == 204
    )
    assert outbox(runtime)[0].delivery_status == "delivered"
    assert outbox(runtime)[0].provider_ids == sid
    bad = post(client, STATUS, {"MessageSid": sid}, token=twilio.auth_token)
    assert bad.status_code == 400


# --- SMS segments ---------------------------------------------------------------------------------


def queue(
    runtime: Runtime,
    channel: str,
    address: str,
    *replies: Reply,
    language: str = "fr",
    proactive: bool = False,
    template: str | None = None,
    last_inbound_at: datetime | None = None,
) -> None:
    with runtime.db.session() as s:
        key = runtime.engine.contact_key(channel, address)
        contact = s.scalar(select(Contact).where(Contact.key == key))
        if contact is None:
            contact = Contact(
                key=key,
                channel=channel,
                address=runtime.vault.encrypt(address),
                language=language,
                last_inbound_at=last_inbound_at,
            )
            s.add(contact)
            s.flush()
        runtime.outbox.enqueue(
            s, contact, list(replies), language, proactive=proactive, template=template
        )


ARABIC = (
    "المساعدة القضائية حق لكل شخص لا يملك المال لدفع أتعاب محام. "
    "يمكنك طلبها من مكتب المساعدة القضائية في المحكمة. "
    "تحتاج إلى شهادة عدم الدخل أو وثيقة تثبت وضعك. "
    "الجمعيات تستطيع مرافقتك وتقديم النصيحة مجاناً. "
    "إذا تم توقيفك فلك الحق في محام ومترجم. "
)


def test_a_long_arabic_sms_is_cut_between_sentences_into_few_ucs2_messages(
    client: TestClient, runtime: Runtime, twilio: FakeTwilio
) -> None:
    from handlers.twilio_messaging import segments

    text = (ARABIC * 3).strip()
    queue(runtime, "sms", AMINA, Reply(Verbatim(text)), language="ar")
    deliver(client, runtime)
    bodies = [m["Body"] for m in twilio.to(AMINA)]
    assert all(segments(body) <= 4 and len(body) <= 4 * 67 for body in bodies)
    assert all(body.endswith(".") for body in bodies)  # whole sentences
    assert " ".join(bodies) == text
    assert len(bodies) == -(-segments(text) // 4) or len(bodies) == -(-segments(text) // 4) + 1


def test_typographic_punctuation_does_not_turn_a_french_sms_into_ucs2(
    client: TestClient, runtime: Runtime, twilio: FakeTwilio
) -> None:
    from handlers.twilio_messaging import segments

    queue(runtime, "sms", FATIMA, Reply(Verbatim("L’aide « gratuite » – c’est un droit…")))
    deliver(client, runtime)
    (body,) = [m["Body"] for m in twilio.to(FATIMA)]
    assert body == "L'aide \" gratuite \" - c'est un droit..."
    assert segments(body) == 1


def test_segment_arithmetic() -> None:
    from handlers.twilio_messaging import segments

    assert [segments("a" * n) for n in (0, 1, 160, 161, 306, 307)] == [0, 1, 1, 2, 2, 3]
    assert [segments("ع" * n) for n in (70, 71, 134, 135)] == [1, 2, 2, 3]
    assert segments("€" * 80) == 1 and segments("€" * 81) == 2  # two septets each
    assert segments("ç" * 70) == 1 and segments("ç" * 71) == 2  # not GSM-7: UCS-2
    assert segments("😀" * 35) == 1 and segments("😀" * 36) == 2  # two UTF-16 units each


def test_an_option_list_in_sms_is_numbered_and_answered_by_its_number(
    client: TestClient, runtime: Runtime, twilio: FakeTwilio
) -> None:
    options = (
        Option("main.menu:legal", Text("a", "Legal aid")),
        Option("main.menu:talk", Text("b", "Talk")),
    )
    queue(runtime, "sms", JOHN, Reply(Text("q", "Choose:"), options), language="en")
    deliver(client, runtime)
    assert [m["Body"] for m in twilio.to(JOHN)] == ["Choose:\n1. Legal aid\n2. Talk"]


# --- WhatsApp's 24-hour window --------------------------------------------------------------------


def test_inside_the_window_a_proactive_whatsapp_message_is_free_text(
    client: TestClient, runtime: Runtime, twilio: FakeTwilio, clock: Clock
) -> None:
    queue(
        runtime,
        "whatsapp",
        FATIMA,
        Reply(Verbatim("Bonjour, c'est votre conseillère.")),
        proactive=True,
        last_inbound_at=clock.now - timedelta(hours=23),
    )
    deliver(client, runtime)
    (message,) = twilio.to("whatsapp:" + FATIMA)
    assert message["Body"] == "Bonjour, c'est votre conseillère." and "ContentSid" not in message


def test_outside_the_window_the_template_of_the_kind_and_language_carries_the_text(
    make: Callable[..., Runtime], twilio: FakeTwilio, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = make(extra={"SANAD_WHATSAPP_TEMPLATE_CHECKIN_FR": TEMPLATE})
    monkeypatch.setattr(runtime, "workers", lambda: {})
    with TestClient(create_app(runtime)) as client:
        question = Reply(
            Text("checkin.q", "Comment allez-vous ?"),
            (Option("checkin.q:1", Verbatim("Bien")), Option("checkin.q:2", Verbatim("Mal"))),
        )
        queue(
            runtime,
            "whatsapp",
            FATIMA,
            question,
            proactive=True,
            template="checkin",
            last_inbound_at=clock.now - timedelta(days=3),
        )
        deliver(client, runtime)
    (message,) = twilio.to("whatsapp:" + FATIMA)
    assert message["ContentSid"] == TEMPLATE and "Body" not in message
    assert json.loads(message["ContentVariables"]) == {
        "1": "Comment allez-vous ? · 1. Bien · 2. Mal"
    }


def test_outside_the_window_without_a_template_the_message_is_undeliverable_and_says_what_to_set(
    client: TestClient, runtime: Runtime, twilio: FakeTwilio
) -> None:
    queue(
        runtime,
        "whatsapp",
        FATIMA,
        Reply(Verbatim("Bonjour.")),
        proactive=True,
        last_inbound_at=None,
    )
    deliver(client, runtime)
    (row,) = outbox(runtime)
    assert row.status == "dead" and "SANAD_WHATSAPP_TEMPLATE_FOLLOW_UP_FR" in (row.error or "")
    assert twilio.messages == []


def test_a_template_for_every_language_is_used_when_none_is_set_for_the_persons(
    make: Callable[..., Runtime], twilio: FakeTwilio, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = make(extra={"SANAD_WHATSAPP_TEMPLATE_FOLLOW_UP": TEMPLATE})
    monkeypatch.setattr(runtime, "workers", lambda: {})
    with TestClient(create_app(runtime)) as client:
        queue(runtime, "whatsapp", AMINA, Reply(Verbatim("مرحباً")), language="ar", proactive=True)
        deliver(client, runtime)
    assert twilio.to("whatsapp:" + AMINA)[0]["ContentSid"] == TEMPLATE


# --- provider errors and outages ------------------------------------------------------------------


def test_an_outage_keeps_replies_in_the_outbox_and_sends_them_in_order_when_twilio_is_back(
    client: TestClient, runtime: Runtime, twilio: FakeTwilio, clock: Clock
) -> None:
    twilio.fail(503, 20500, "Service Unavailable", times=3)
    amina = Phone(client, runtime, twilio, AMINA)
    assert amina.say("bonjour") == []  # 503: waits
    assert amina.say("j'ai besoin d'un avocat") == []  # waits behind the first
    assert [r.status for r in outbox(runtime)] == ["pending", "pending"]
    clock.advance(seconds=3600)
    deliver(client, runtime)  # still down (second 503)
    assert twilio.messages == []
    clock.advance(seconds=3600)
    deliver(client, runtime)  # third 503, then 201s
    clock.advance(seconds=3600)
    deliver(client, runtime)
    bodies = [m["Body"] for m in twilio.to(AMINA)]
    assert len(bodies) == 2
    assert bodies[0].startswith("Bienvenue") and bodies[1].startswith(
        "L'aide judiciaire donne un avocat."
    )
    assert [r.status for r in outbox(runtime)] == ["sent", "sent"]
    assert [r.status for r in twilio.requests].count(503) == 3


def test_a_reply_cut_in_parts_is_resumed_after_the_part_that_left(
    client: TestClient, runtime: Runtime, twilio: FakeTwilio, clock: Clock
) -> None:
    text = " ".join(
        f"هذه هي الجملة رقم {n} من الجواب الطويل عن المساعدة القضائية." for n in range(12)
    )
    twilio.fail(500, 20500, "Internal error", after=1)
    queue(runtime, "sms", AMINA, Reply(Verbatim(text)), language="ar")
    deliver(client, runtime)
    assert len(twilio.to(AMINA)) == 1
    clock.advance(seconds=3600)
    deliver(client, runtime)
    bodies = [m["Body"] for m in twilio.to(AMINA)]
    assert " ".join(bodies) == text and len(bodies) == len(set(bodies))  # none twice
    (row,) = outbox(runtime)
    assert row.status == "sent" and row.provider_ids == ",".join(m["sid"] for m in twilio.to(AMINA))


@pytest.mark.parametrize(
    ("code", "words"), [(21211, "cannot receive"), (21610, "cannot receive"), (21617, "refused")]
)
def test_numbers_that_cannot_receive_are_undeliverable_and_no_number_is_kept_in_the_error(
    client: TestClient, runtime: Runtime, twilio: FakeTwilio, code: int, words: str
) -> None:
    twilio.fail(400, code, f"The 'To' number {AMINA} is not valid.")
    queue(runtime, "sms", AMINA, Reply(Verbatim("Un.")))
    queue(runtime, "sms", JOHN, Reply(Verbatim("Two.")))
    deliver(client, runtime)
    rows = outbox(runtime)
    assert [r.status for r in rows] == ["dead", "sent"]
    assert words in (rows[0].error or "") and str(code) in (rows[0].error or "")
    assert AMINA not in (rows[0].error or "") and "600000001" not in (rows[0].error or "")


def test_refused_credentials_are_retried_not_given_up(
    make: Callable[..., Runtime], monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = make(twilio_auth_token="not-the-right-token")
    monkeypatch.setattr(runtime, "workers", lambda: {})
    with TestClient(create_app(runtime)) as client:
        queue(runtime, "sms", AMINA, Reply(Verbatim("Un.")))
        deliver(client, runtime)
    (row,) = outbox(runtime)
    assert row.status == "pending" and "credentials" in (row.error or "")


def test_an_unreachable_api_is_retried_later(
    make: Callable[..., Runtime], monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = make(twilio_api_url=f"http://127.0.0.1:{free_port()}")
    monkeypatch.setattr(runtime, "workers", lambda: {})
    with TestClient(create_app(runtime)) as client:
        queue(runtime, "sms", AMINA, Reply(Verbatim("Un.")))
        deliver(client, runtime)
    (row,) = outbox(runtime)
    assert row.status == "pending" and "unreachable" in (row.error or "")


def test_a_whatsapp_message_waits_while_no_whatsapp_sender_is_configured(
    make: Callable[..., Runtime], twilio: FakeTwilio, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = make(twilio_whatsapp_from=None)
    monkeypatch.setattr(runtime, "workers", lambda: {})
    with TestClient(create_app(runtime)) as client:
        Phone(client, runtime, twilio, "whatsapp:" + FATIMA).say("bonjour")
    (row,) = outbox(runtime)
    assert row.status == "pending" and "TWILIO_WHATSAPP_FROM" in (row.error or "")


def test_a_messaging_service_sends_instead_of_a_number(
    make: Callable[..., Runtime], twilio: FakeTwilio, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = "MG" + "0f" * 16
    runtime = make(twilio_messaging_from=service)
    monkeypatch.setattr(runtime, "workers", lambda: {})
    with TestClient(create_app(runtime)) as client:
        Phone(client, runtime, twilio, AMINA).say("bonjour")
    (message,) = twilio.to(AMINA)
    assert message["MessagingServiceSid"] == service and "From" not in message


def test_without_a_sender_the_channel_stays_off(
    make_runtime: Callable[..., Runtime], twilio: FakeTwilio
) -> None:
    runtime = make_runtime(
        parse=KeywordParser(), **twilio.settings()
    )  # credentials only: a phone line
    with TestClient(create_app(runtime)) as client:
        assert client.post(WEBHOOK, data={"From": AMINA}).status_code in (404, 405)
    assert "sms" not in runtime.adapters and "whatsapp" not in runtime.adapters


def test_the_fake_rest_api_refuses_what_twilio_refuses(twilio: FakeTwilio) -> None:
    import httpx

    url = f"{twilio.url}/2010-04-01/Accounts/{twilio.account_sid}/Messages.json"
    auth = (twilio.account_sid, twilio.auth_token)
    ok = {"To": AMINA, "From": SMS_FROM, "Body": "x"}
    assert httpx.post(url, data=ok).status_code == 401
    assert httpx.post(url, data={**ok, "Colour": "red"}, auth=auth).status_code == 400
    assert httpx.post(url, data={**ok, "To": "0600"}, auth=auth).json()["code"] == 21211
    assert httpx.post(url, data={**ok, "Body": "x" * 1601}, auth=auth).json()["code"] == 21617
    whatsapp_to_sms = {**ok, "To": "whatsapp:" + AMINA}
    assert httpx.post(url, data=whatsapp_to_sms, auth=auth).json()["code"] == 21910
    assert httpx.post(url, data=ok, auth=auth).status_code == 201
    assert twilio.problems == ["unknown parameter Colour"] and len(twilio.messages) == 1
