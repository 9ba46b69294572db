"""Telegram through python-telegram-bot, against a fake Bot API server on 127.0.0.1 that checks
every call against the published API description."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from bot.app import create_app
from bot.domain import Reply, Verbatim
from bot.runtime import Runtime
from bot.storage import Contact, Message, Outbound, Ticket
from bot.testing import Clock
from handlers.telegram import COMMANDS, TelegramAdapter
from handlers.telegram.cli import configure_webhook
from handlers.telegram.keyboards import MAX_TEXT, CallbackCodec, utf16_length
from tests.fakes.live import free_port
from tests.fakes.telegram_api import FakeTelegram

from ..bot.conftest import KeywordParser
from ..conftest import FIXTURE_CONTENT

SECRET = "test-webhook-secret_123"
HEADER = "X-Telegram-Bot-Api-Secret-Token"
FATIMA, JOHN, AMINA = 1001, 1002, 1003  # chat ids


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))


@pytest.fixture
def runtime(make_runtime: Callable[..., Runtime], telegram: FakeTelegram, clock: Clock) -> Runtime:
    return make_runtime(
        parse=KeywordParser(),
        clock=clock,
        telegram_bot_token=telegram.token,
        telegram_webhook_secret=SECRET,
        telegram_api_url=telegram.api_url,
    )


class Chat:
    """A person's Telegram: sends updates to the webhook, reads what the fake server received."""

    def __init__(
        self, client: TestClient, runtime: Runtime, telegram: FakeTelegram, chat_id: int
    ) -> None:
        self.client, self.runtime, self.telegram, self.chat_id = client, runtime, telegram, chat_id

    def post(self, update: dict[str, Any], secret: str | None = SECRET) -> int:
        headers = {HEADER: secret} if secret is not None else {}
        return self.client.post("/webhooks/telegram", json=update, headers=headers).status_code

    def _exchange(self, update: dict[str, Any]) -> list[dict[str, Any]]:
        before = len(self.telegram.sent(self.chat_id))
        assert self.post(update) == 200
        deliver(self.client, self.runtime)
        return self.telegram.sent(self.chat_id)[before:]

    def say(self, text: str) -> list[dict[str, Any]]:
        return self._exchange(self.telegram.text_update(self.chat_id, text))

    def press(self, label: str) -> list[dict[str, Any]]:
        """Press the button with this label under the last message that had buttons."""
        keyboard = next(
            m["reply_markup"]["inline_keyboard"]
            for m in reversed(self.telegram.sent(self.chat_id))
            if "reply_markup" in m
        )
        data = next(row[0]["callback_data"] for row in keyboard if row[0]["text"] == label)
        return self._exchange(self.telegram.callback_update(self.chat_id, data))


def deliver(client: TestClient, runtime: Runtime) -> int:
    total = 0
    while (sent := client.portal.call(runtime.outbox.deliver_due)) > 0:  # type: ignore[union-attr]
        total += sent
    return total


@pytest.fixture
def client(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    # The outbox is driven by the tests (`deliver`), not by the background loop.
    monkeypatch.setattr(runtime, "workers", lambda: {})
    with TestClient(create_app(runtime)) as c:
        yield c


def texts(sent: list[dict[str, Any]]) -> list[str]:
    return [m["text"] for m in sent]


def buttons(message: dict[str, Any]) -> list[str]:
    return [row[0]["text"] for row in message.get("reply_markup", {}).get("inline_keyboard", [])]


def count(runtime: Runtime, model: type) -> int:
    with runtime.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def tickets(runtime: Runtime) -> list[tuple[str, str, str | None]]:
    with runtime.db.session() as s:
        return [(t.status, t.reason, t.language) for t in s.scalars(select(Ticket))]


# --- conversations in each language -------------------------------------------------------------


def test_a_french_conversation_reaches_legal_aid_and_a_counsellor(
    client: TestClient, runtime: Runtime, telegram: FakeTelegram
) -> None:
    fatima = Chat(client, runtime, telegram, FATIMA)
    first = fatima.say("bonjour")
    assert texts(first) == ["Bienvenue sur la ligne de test.", "Menu principal :"]
    assert buttons(first[-1]) == [
        "Aide juridique",
        "Parler à quelqu'un",
        "Changer de langue",
        "Effacer mes données",
    ]
    legal = fatima.say("j'ai besoin d'un avocat")
    assert texts(legal) == ["L'aide judiciaire donne un avocat."]
    assert buttons(legal[0]) == ["Où ?", "Menu principal"]
    assert legal[0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "legal.start:where"
    assert texts(fatima.press("Où ?")) == ["Des associations aident."]
    fatima.press("Menu principal")
    handoff = fatima.press("Parler à quelqu'un")
    assert handoff[0]["text"] == "Je vous passe un conseiller."
    assert "queue" in handoff[1]["text"]  # the queue position (not translated in the test content)
    assert tickets(runtime) == [("queued", "talk_to_human", "fr")]
    assert len(telegram.calls_to("answerCallbackQuery")) == 3  # every press answered
    assert telegram.problems == []


def test_an_arabic_conversation_starts_with_start_and_the_language_buttons(
    client: TestClient, runtime: Runtime, telegram: FakeTelegram
) -> None:
    amina = Chat(client, runtime, telegram, AMINA)
    start = amina.say("/start")
    assert (
        len(start) == 1
        and "اختر لغتك:" in start[0]["text"]
        and "Choose your language:" in start[0]["text"]
    )
    assert buttons(start[0]) == ["Français", "العربية", "English"]
    chosen = amina.press("العربية")
    assert texts(chosen) == ["تم اختيار اللغة.", "القائمة الرئيسية:"]
    assert texts(amina.press("المساعدة القانونية")) == ["المساعدة القضائية توفر محامياً."]
    handoff = amina.say("أريد التحدث مع مستشار")
    assert handoff[0]["text"] == "سأحولك إلى مستشار."
    assert tickets(runtime) == [("queued", "talk_to_human", "ar")]
    assert telegram.problems == []


def test_an_english_conversation_with_help_and_a_counsellor(
    client: TestClient, runtime: Runtime, telegram: FakeTelegram
) -> None:
    john = Chat(client, runtime, telegram, JOHN)
    assert texts(john.say("hello"))[0] == "Welcome to the test helpline."
    assert texts(john.say("I need a lawyer")) == ["Legal aid gives a lawyer."]
    menu = john.say("/help")
    assert texts(menu) == ["Main menu:"]
    assert texts(john.press("Talk to someone"))[0] == "Passing you to a counsellor."
    assert tickets(runtime) == [("queued", "talk_to_human", "en")]
    assert telegram.problems == []


@pytest.mark.parametrize(("command", "intent"), sorted(COMMANDS.items()))
def test_each_command_is_given_to_the_engine_as_its_intent(
    client: TestClient, runtime: Runtime, telegram: FakeTelegram, command: str, intent: str
) -> None:
    Chat(client, runtime, telegram, FATIMA).say("bonjour")
    update = telegram.text_update(FATIMA, f"/{command}@SanadTestBot")
    assert Chat(client, runtime, telegram, FATIMA).post(update) == 200
    with runtime.db.session() as s:
        last = s.scalars(
            select(Message).where(Message.direction == "in").order_by(Message.id.desc())
        ).first()
        assert last is not None and last.intent == intent
        contact = s.scalars(select(Contact)).one()
        assert contact.language == "fr"  # "/help" was not taken for English


def test_the_command_words_are_not_read_as_a_language(
    client: TestClient, runtime: Runtime, telegram: FakeTelegram
) -> None:
    fatima = Chat(client, runtime, telegram, FATIMA)
    fatima.say("bonjour")
    assert texts(fatima.say("/language")) == ["Choisissez votre langue :"]
    assert texts(fatima.say("/delete")) == ["Tout effacer ?"]
    assert texts(fatima.press("Oui, effacer")) == ["Effacé."]
    assert count(runtime, Contact) == 0  # erased


# --- the webhook's guard and bad input ---------------------------------------------------------


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", SECRET + "x", SECRET.upper()])
def test_a_request_without_the_right_secret_is_refused_and_leaves_no_trace(
    client: TestClient, runtime: Runtime, telegram: FakeTelegram, secret: str | None
) -> None:
    chat = Chat(client, runtime, telegram, FATIMA)
    assert chat.post(telegram.text_update(FATIMA, "j'ai besoin d'un avocat"), secret=secret) == 403
    assert chat.post(telegram.callback_update(FATIMA, "main.menu:legal"), secret=secret) == 403
    deliver(client, runtime)
    assert count(runtime, Contact) == count(runtime, Message) == count(runtime, Outbound) == 0
    assert telegram.calls_to("sendMessage") == telegram.calls_to("answerCallbackQuery") == []


def test_without_a_configured_secret_the_webhook_refuses_everything(
    make_runtime: Callable[..., Runtime], telegram: FakeTelegram
) -> None:
    runtime = make_runtime(
        parse=KeywordParser(), telegram_bot_token=telegram.token, telegram_api_url=telegram.api_url
    )
    with TestClient(create_app(runtime)) as client:
        response = client.post(
            "/webhooks/telegram", json=telegram.text_update(FATIMA, "bonjour"), headers={HEADER: ""}
        )
        assert response.status_code == 403 and "TELEGRAM_WEBHOOK_SECRET" in response.text
    assert count(runtime, Contact) == 0


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[1, 2]",
        b'{"message": {"text": "hi"}}',
        b'{"update_id": "7"}',
        b'{"update_id": 7, "message": {"message_id": 1}}',
        b'{"update_id": 8, "message": "hello"}',
    ],
)
def test_a_malformed_payload_is_a_400_and_nothing_is_stored(
    client: TestClient, runtime: Runtime, body: bytes
) -> None:
    response = client.post(
        "/webhooks/telegram",
        content=body,
        headers={HEADER: SECRET, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert count(runtime, Contact) == count(runtime, Message) == 0


def test_unknown_and_unhandled_update_types_are_acknowledged_and_ignored(
    client: TestClient, runtime: Runtime, telegram: FakeTelegram
) -> None:
    chat = Chat(client, runtime, telegram, FATIMA)
    assert chat.post({"update_id": 77, "some_update_type_of_2030": {"anything": [1, 2]}}) == 200
    assert chat.post(telegram.edited_update(FATIMA, "j'ai besoin d'un avocat")) == 200
    assert chat.post(telegram.group_update(FATIMA, "j'ai besoin d'un avocat")) == 200
    assert (
        chat.post(
            {
                "update_id": 78,
                "my_chat_member": {
                    "chat": {"id": FATIMA, "type": "private"},
                    "from": {"id": FATIMA, "is_bot": False, "first_name": "T"},
                    "date": 0,
                    "old_chat_member": {
                        "status": "member",
                        "user": {"id": 1, "is_bot": True, "first_name": "S"},
                    },
                    "new_chat_member": {
                        "status": "kicked",
                        "until_date": 0,
                        "user": {"id": 1, "is_bot": True, "first_name": "S"},
                    },
                },
            }
        )
        == 200
    )
    deliver(client, runtime)
    assert count(runtime, Message) == 0 and telegram.calls_to("sendMessage") == []


def test_the_same_update_twice_is_processed_once(
    client: TestClient, runtime: Runtime, telegram: FakeTelegram
) -> None:
    chat = Chat(client, runtime, telegram, FATIMA)
    update = telegram.text_update(FATIMA, "bonjour")
    assert chat.post(update) == 200 and chat.post(update) == 200
    deliver(client, runtime)
    assert texts(telegram.sent(FATIMA)) == ["Bienvenue sur la ligne de test.", "Menu principal :"]
    with runtime.db.session() as s:
        assert s.scalar(select(func.count()).where(Message.direction == "in")) == 1


# --- voice notes and photos ----------------------------------------------------------------------


def test_a_voice_note_is_acknowledged_and_kept_for_the_counsellors(
    client: TestClient, runtime: Runtime, telegram: FakeTelegram
) -> None:
    fatima = Chat(client, runtime, telegram, FATIMA)
    fatima.say("bonjour")
    reply = fatima._exchange(telegram.voice_update(FATIMA, file_id="AwACAgQ-voice-file-id"))
    assert len(reply) == 1 and "received" in reply[0]["text"]
    with runtime.db.session() as s:
        message = s.scalars(select(Message).where(Message.media_type == "voice")).one()
        body = json.loads(runtime.vault.decrypt(message.body) or "{}")
    assert body["media"] == [{"kind": "voice", "ref": "AwACAgQ-voice-file-id", "mime": "audio/ogg"}]


def test_a_photo_with_a_caption_is_read_and_attached(
    client: TestClient, runtime: Runtime, telegram: FakeTelegram
) -> None:
    fatima = Chat(client, runtime, telegram, FATIMA)
    fatima.say("bonjour")
    reply = fatima._exchange(telegram.photo_update(FATIMA, caption="j'ai besoin d'un avocat"))
    assert texts(reply) == ["L'aide judiciaire donne un avocat."]
    with runtime.db.session() as s:
        message = s.scalars(select(Message).where(Message.media_type == "photo")).one()
        body = json.loads(runtime.vault.decrypt(message.body) or "{}")
    assert body["media"][0]["ref"] == "AgACPhoto1280"  # the largest size


# --- sending: long texts, buttons, flood limits, blocked bots, outages ----------------------------


def queue(runtime: Runtime, chat_id: int, *replies: Reply, language: str = "fr") -> None:
    with runtime.db.session() as s:
        key = runtime.engine.contact_key("telegram", str(chat_id))
        contact = s.scalar(select(Contact).where(Contact.key == key))
        if contact is None:
            contact = Contact(
                key=key, channel="telegram", address=runtime.vault.encrypt(str(chat_id))
            )
            s.add(contact)
            s.flush()
        runtime.outbox.enqueue(s, contact, list(replies), language)


def long_text(sentences: int = 300) -> str:
    return " ".join(
        f"Phrase numéro {n} de la longue réponse, avec assez de mots." for n in range(sentences)
    )


def test_a_text_over_4096_characters_is_split_on_sentence_boundaries(
    client: TestClient, runtime: Runtime, telegram: FakeTelegram
) -> None:
    from bot.domain import Option, Text

    text = long_text()
    assert len(text) > 3 * MAX_TEXT
    queue(runtime, FATIMA, Reply(Verbatim(text), (Option("main.menu:legal", Text("x", "Next")),)))
    deliver(client, runtime)
    parts = telegram.sent(FATIMA)
    assert len(parts) == 5
    assert all(utf16_length(p["text"]) <= MAX_TEXT and p["text"].endswith("mots.") for p in parts)
    assert " ".join(p["text"] for p in parts) == text
    assert [("reply_markup" in p) for p in parts] == [False] * 4 + [True]  # buttons under the last
    assert telegram.problems == []


def test_a_flood_limit_delays_the_message_by_retry_after(
    client: TestClient, runtime: Runtime, telegram: FakeTelegram, clock: Clock
) -> None:
    telegram.fail("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    queue(runtime, FATIMA, Reply(Verbatim("Bonjour.")))
    deliver(client, runtime)
    with runtime.db.session() as s:
        row = s.scalars(select(Outbound)).one()
        assert row.status == "pending" and row.next_attempt_at == clock.now + timedelta(seconds=7)
    clock.advance(seconds=7)
    deliver(client, runtime)
    assert texts(telegram.sent(FATIMA)) == ["Bonjour."]


def test_a_bot_blocked_by_the_person_is_undeliverable_and_others_still_get_theirs(
    client: TestClient, runtime: Runtime, telegram: FakeTelegram
) -> None:
    telegram.fail("sendMessage", 403, "Forbidden: bot was blocked by the user")
    queue(runtime, FATIMA, Reply(Verbatim("Pour Fatima.")))
    queue(runtime, JOHN, Reply(Verbatim("For John.")))
    deliver(client, runtime)
    with runtime.db.session() as s:
        rows = s.scalars(select(Outbound).order_by(Outbound.id)).all()
        assert [r.status for r in rows] == ["dead", "sent"]
        assert "blocked" in (rows[0].error or "")
    assert texts(telegram.sent(JOHN)) == ["For John."]


def test_an_outage_keeps_messages_waiting_then_sends_them_in_order_without_repeats(
    client: TestClient, runtime: Runtime, telegram: FakeTelegram, clock: Clock
) -> None:
    first = long_text(100)  # two Telegram messages
    telegram.fail("sendMessage", 500, "Internal Server Error", times=1)
    queue(runtime, FATIMA, Reply(Verbatim("Un.")))
    queue(runtime, FATIMA, Reply(Verbatim(first)), Reply(Verbatim("Deux.")))
    deliver(client, runtime)
    assert telegram.sent(FATIMA) == []
    clock.advance(seconds=3600)
    # Back, but the long one fails half-way: its first part left, the second did not.
    telegram.fail("sendMessage", 502, "Bad Gateway", after=2)
    deliver(client, runtime)
    sent = texts(telegram.sent(FATIMA))
    assert len(sent) == 2 and sent[0] == "Un." and first.startswith(sent[1])
    clock.advance(seconds=3600)
    deliver(client, runtime)
    sent = texts(telegram.sent(FATIMA))
    assert (
        len(sent) == 4 and sent[0] == "Un." and " ".join(sent[1:3]) == first and sent[3] == "Deux."
    )
    with runtime.db.session() as s:
        assert [r.status for r in s.scalars(select(Outbound).order_by(Outbound.id))] == [
            "sent",
            "sent",
        ]


def test_an_unreachable_bot_api_is_retried_later(
    make_runtime: Callable[..., Runtime], clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    runtime = make_runtime(
        parse=KeywordParser(),
        clock=clock,
        telegram_bot_token="1:x",
        telegram_webhook_secret=SECRET,
        telegram_api_url=closed,
    )
    monkeypatch.setattr(runtime, "workers", lambda: {})
    with TestClient(create_app(runtime)) as client:
        queue(runtime, FATIMA, Reply(Verbatim("Bonjour.")))
        deliver(client, runtime)
    with runtime.db.session() as s:
        row = s.scalars(select(Outbound)).one()
        assert row.status == "pending" and "unreachable" in (row.error or "")


def test_long_option_ids_travel_as_short_callback_data_and_come_back() -> None:
    long_id = "a_flow_with_a_long_name.a_node_with_an_even_longer_name:an_option_called_so"
    codec = CallbackCodec([long_id])
    data = codec.encode(long_id)
    assert len(data.encode()) <= 64 and data != long_id
    assert CallbackCodec([long_id]).decode(data) == long_id  # another process, same table
    assert codec.encode("main.menu:legal") == "main.menu:legal"


# --- start-up, polling and the webhook command -------------------------------------------------


def test_the_command_menu_is_published_in_each_language_at_start_up(
    make_runtime: Callable[..., Runtime], telegram: FakeTelegram, tmp_path: Path
) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    for code, words in (
        ("fr", "Menu principal : ce que je peux faire"),
        ("ar", "القائمة الرئيسية"),
    ):
        with (content / "locales" / code / "LC_MESSAGES" / "sanad.po").open(
            "a", encoding="utf-8"
        ) as po:
            po.write(
                f'\nmsgctxt "telegram.command.help"\nmsgid "Main menu: what I can help with"\n'
                f'msgstr "{words}"\n'
            )
    runtime = make_runtime(
        parse=KeywordParser(),
        content_dir=content,
        telegram_bot_token=telegram.token,
        telegram_webhook_secret=SECRET,
        telegram_api_url=telegram.api_url,
    )
    with TestClient(create_app(runtime)):
        calls = telegram.wait_for("setMyCommands", 4)
    by_language = {
        c.get("language_code"): {cmd["command"]: cmd["description"] for cmd in c["commands"]}
        for c in calls
    }
    assert set(by_language) == {"fr", "ar", "en", None}
    assert set(by_language["fr"]) == set(COMMANDS)
    assert by_language["fr"]["help"] == "Menu principal : ce que je peux faire"
    assert by_language["ar"]["help"] == "القائمة الرئيسية"
    assert by_language["en"]["help"] == "Main menu: what I can help with"
    assert by_language[None] == by_language["fr"]  # everyone else: the default language
    assert telegram.problems == []


def test_polling_goes_through_the_same_path_as_the_webhook(
    runtime: Runtime, telegram: FakeTelegram
) -> None:
    app = create_app(runtime)
    adapter = runtime.adapters["telegram"]
    assert isinstance(adapter, TelegramAdapter)
    adapter.polling = True
    with TestClient(app):
        telegram.push(telegram.text_update(JOHN, "I need a lawyer"))
        deadline = time.monotonic() + 10
        while "Legal aid gives a lawyer." not in texts(telegram.sent(JOHN)):
            assert time.monotonic() < deadline, telegram.calls
            time.sleep(0.05)
        legal = next(m for m in telegram.sent(JOHN) if m["text"] == "Legal aid gives a lawyer.")
        where = legal["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        telegram.push(telegram.callback_update(JOHN, where))
        while "Associations help." not in texts(telegram.sent(JOHN)):
            assert time.monotonic() < deadline, telegram.calls
            time.sleep(0.05)
        telegram.wait_for("answerCallbackQuery")
    assert telegram.calls_to("deleteWebhook")  # getUpdates is refused while a webhook is set
    polls = telegram.calls_to("getUpdates")
    assert polls[0]["allowed_updates"] == ["message", "callback_query"]
    assert any(p.get("offset") for p in polls)  # updates confirmed
    assert telegram.problems == []


def test_the_webhook_command_registers_the_public_url_with_the_secret(
    settings: Any, telegram: FakeTelegram, portal: Any
) -> None:
    configured = replace(
        settings,
        public_url="https://sanad.example.org",
        telegram_bot_token=telegram.token,
        telegram_webhook_secret=SECRET,
        telegram_api_url=telegram.api_url,
    )
    report = portal.call(lambda: configure_webhook(configured))
    assert "https://sanad.example.org/webhooks/telegram" in report and "@SanadTestBot" in report
    (call,) = telegram.calls_to("setWebhook")
    assert call["url"] == "https://sanad.example.org/webhooks/telegram"
    assert call["secret_token"] == SECRET
    assert call["allowed_updates"] == ["message", "callback_query"]
    assert "removed" in portal.call(lambda: configure_webhook(configured, delete=True))
    assert telegram.problems == []


def test_the_webhook_command_refuses_without_a_secret(
    settings: Any, telegram: FakeTelegram, portal: Any
) -> None:
    from bot.errors import ConfigError

    configured = replace(
        settings, telegram_bot_token=telegram.token, telegram_api_url=telegram.api_url
    )
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        portal.call(lambda: configure_webhook(configured))
    assert telegram.calls_to("setWebhook") == []


def test_a_webhook_secret_telegram_would_refuse_is_a_clear_start_up_error(
    make_runtime: Callable[..., Runtime], telegram: FakeTelegram
) -> None:
    from bot.errors import ConfigError

    runtime = make_runtime(
        parse=KeywordParser(),
        telegram_bot_token=telegram.token,
        telegram_webhook_secret="has spaces!",
        telegram_api_url=telegram.api_url,
    )
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        create_app(runtime)


def test_in_production_a_token_without_a_webhook_secret_stops_the_start(
    make_runtime: Callable[..., Runtime], telegram: FakeTelegram
) -> None:
    from bot.errors import ConfigError

    runtime = make_runtime(
        parse=KeywordParser(),
        production=True,
        telegram_bot_token=telegram.token,
        telegram_api_url=telegram.api_url,
    )
    app = create_app(runtime)
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"), TestClient(app):
        pass


def test_the_fake_bot_api_refuses_what_the_published_spec_does_not_allow(
    telegram: FakeTelegram,
) -> None:
    import httpx

    base = f"{telegram.api_url}/bot{telegram.token}"
    too_long = json.dumps({"inline_keyboard": [[{"text": "x", "callback_data": "y" * 65}]]})
    refused = [
        ("sendMessage", {"chat_id": "1", "text": "hi", "colour": "red"}),  # unknown parameter
        ("sendMessage", {"text": "hi"}),  # chat_id missing
        ("sendMessage", {"chat_id": "1", "text": "hi", "reply_markup": too_long}),
        ("sendMessage", {"chat_id": "1", "text": "hi", "disable_notification": "maybe"}),
        ("sendMessage", {"chat_id": "1", "text": "x" * 4097}),
        ("setMyCommands", {"commands": json.dumps([{"command": "Help!", "description": "d"}])}),
    ]
    for method, params in refused:
        assert httpx.post(f"{base}/{method}", data=params).status_code == 400, params
    assert httpx.post(f"{base}/sendMesage", data={"chat_id": "1"}).status_code == 404
    assert httpx.post(f"{telegram.api_url}/botWRONG/getMe").status_code == 401
    assert len(telegram.problems) >= len(refused) + 1
    assert httpx.post(f"{base}/sendMessage", data={"chat_id": "1", "text": "ok"}).status_code == 200
