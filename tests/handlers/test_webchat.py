"""The web chat page and its JSON API."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator

import pytest
from anyio.from_thread import BlockingPortal
from sqlalchemy import func, select
from starlette.testclient import TestClient

from bot.app import create_app
from bot.domain import Reply, Verbatim
from bot.runtime import Runtime
from bot.storage import Contact, Message

from ..bot.conftest import KeywordParser

SESSION = "session-0123456789"


@pytest.fixture
def runtime(make_runtime: Callable[..., Runtime]) -> Runtime:
    return make_runtime(parse=KeywordParser())


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def stored(runtime: Runtime, model: type) -> int:
    with runtime.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_the_page_is_served_in_the_browser_language_right_to_left_for_arabic(
    client: TestClient,
) -> None:
    page = client.get("/", headers={"Accept-Language": "ar-MA,ar;q=0.9,fr;q=0.5"})
    assert page.status_code == 200
    assert '<html lang="ar" dir="rtl">' in page.text
    assert "Content-Security-Policy" in page.headers
    french = client.get("/", headers={"Accept-Language": "fr-FR"})
    assert '<html lang="fr" dir="ltr">' in french.text
    assert client.get("/static/webchat/chat.js").status_code == 200


def test_a_message_gets_replies_with_options_and_the_state(client: TestClient) -> None:
    response = client.post(
        "/api/webchat/messages", json={"session": SESSION, "text": "i need a lawyer"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "bot" and body["language"] == "en" and body["direction"] == "ltr"
    assert body["replies"][-1] == {
        "text": "Legal aid gives a lawyer.",
        "options": [
            {"id": "legal.start:where", "label": "Where?"},
            {"id": "legal.start:menu", "label": "Main menu"},
        ],
    }
    chosen = client.post(
        "/api/webchat/messages", json={"session": SESSION, "option": "legal.start:where"}
    )
    assert chosen.json()["replies"][0]["text"] == "Associations help."


def test_a_retried_message_is_processed_once_and_gets_the_same_answer(
    client: TestClient, runtime: Runtime
) -> None:
    message = {"session": SESSION, "text": "hello", "id": "m1"}
    first = client.post("/api/webchat/messages", json=message).json()
    assert first["replies"]
    assert client.post("/api/webchat/messages", json=message).json() == first
    with runtime.db.session() as s:
        assert s.scalar(select(func.count()).where(Message.direction == "in")) == 1
        stored = s.scalars(select(Message.provider_id).where(Message.direction == "in")).one()
    assert stored is not None and SESSION not in stored  # the session is a credential


def test_a_flood_of_messages_is_refused(client: TestClient, runtime: Runtime) -> None:
    codes = [
        client.post("/api/webchat/messages", json={"session": SESSION, "text": "hello"}).status_code
        for _ in range(35)
    ]
    assert codes[:30] == [200] * 30 and set(codes[30:]) == {429}


def test_a_body_over_one_megabyte_is_refused_before_it_is_read(client: TestClient) -> None:
    response = client.post(
        "/api/webchat/messages",
        content=b"x" * (1024 * 1024 + 1),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "must be a JSON object"),
        (json.dumps({"text": "hi"}).encode(), "`session`"),
        (json.dumps({"session": "short", "text": "hi"}).encode(), "`session`"),
        (json.dumps({"session": SESSION}).encode(), "send `text` or `option`"),
        (json.dumps({"session": SESSION, "text": 5}).encode(), "`text` must be a string"),
    ],
)
def test_malformed_requests_get_400_with_a_clear_message_and_nothing_is_stored(
    client: TestClient, runtime: Runtime, body: bytes, error: str
) -> None:
    response = client.post(
        "/api/webchat/messages", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert error in response.json()["error"]
    assert stored(runtime, Contact) == 0


def test_invalid_utf8_is_replaced_and_stripped_not_a_crash(client: TestClient) -> None:
    body = b'{"session": "' + SESSION.encode() + b'", "text": "i need a law\xff\xfeyer"}'
    response = client.post(
        "/api/webchat/messages", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200
    assert response.json()["replies"][-1]["text"] == "Legal aid gives a lawyer."


def test_the_nlu_parse_api(client: TestClient) -> None:
    response = client.post("/api/nlu/parse", json={"text": "i need a lawyer in oujda"})
    assert response.status_code == 200
    body = response.json()
    assert body["intent"] == "legal_aid" and body["language"] == "en"
    assert body["entities"] == [{"entity": "city", "value": "Oujda", "region": "L'Oriental"}]
    assert client.post("/api/nlu/parse", content=b"nope").status_code == 400


def test_health_and_metrics(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    client.post("/api/webchat/messages", json={"session": SESSION, "text": "hello"})
    metrics = client.get("/metrics").text
    assert 'sanad_messages_total{channel="webchat"}' in metrics
    assert SESSION not in metrics


def test_a_counsellor_message_is_pushed_to_the_open_page(
    runtime: Runtime, portal: BlockingPortal
) -> None:
    create_app(runtime)  # finds the adapters
    key = runtime.engine.contact_key("webchat", SESSION)

    def queue() -> None:
        with runtime.db.session() as s:
            contact = Contact(key=key, channel="webchat", address=runtime.vault.encrypt(SESSION))
            s.add(contact)
            s.flush()
            runtime.outbox.enqueue(s, contact, [Reply(Verbatim("مرحباً، أنا مستشارة"))], "ar")

    async def scenario() -> str:
        async with runtime.store.subscribe("webchat:" + key) as stream:
            queue()
            assert await runtime.outbox.deliver_due() == 1
            return await asyncio.wait_for(stream.__anext__(), 2)

    payload = json.loads(portal.call(scenario))
    assert payload == {
        "replies": [{"text": "مرحباً، أنا مستشارة", "options": []}],
        "language": "ar",
        "direction": "rtl",
    }
