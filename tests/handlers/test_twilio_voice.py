"""The phone line, driven the way Twilio drives it: whole calls as series of signed webhooks,
every TwiML answer checked against Twilio's published schema (tests/specs/twiml/)."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from anyio.from_thread import BlockingPortal
from lxml import etree
from sqlalchemy import func, select
from starlette.testclient import TestClient

from bot.app import create_app
from bot.errors import ConfigError
from bot.outbox import Delivery, Undeliverable
from bot.runtime import Runtime
from bot.storage import Contact, Conversation, Counsellor, Message, Ticket

from ..bot.conftest import KeywordParser
from ..conftest import FIXTURE_CONTENT, bot_for
from ..fakes.twilio_signing import signed_headers

TOKEN = "test-twilio-auth-token"
PUBLIC = "https://sanad.example.org"
VOICE = PUBLIC + "/webhooks/twilio/voice"
SPECS = Path(__file__).resolve().parent.parent / "specs" / "twiml"
SATURDAY_NOON = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
FIRST_CALL = "CA" + "0" * 31 + "1"
RECORDING = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"

# (language, key at the language menu, voice, speech recognition language, words of the fixture)
LANGUAGES = {
    "fr": (
        1,
        "Polly.Lea",
        "fr-FR",
        {
            "welcome": "Bienvenue sur la ligne de test.",
            "set": "Langue choisie.",
            "menu": "Menu principal :",
            "legal": "Aide juridique",
            "answer": "L'aide judiciaire donne un avocat.",
            "passing": "Je vous passe un conseiller.",
            "emergency": "Urgences : police 1 9",
            "day": "lundi",
        },
    ),
    "ar": (
        2,
        "Polly.Zeina",
        "ar-MA",
        {
            "welcome": "مرحباً بك في خط الاختبار.",
            "set": "تم اختيار اللغة.",
            "menu": "القائمة الرئيسية:",
            "legal": "المساعدة القانونية",
            "answer": "المساعدة القضائية توفر محامياً.",
            "passing": "سأحولك إلى مستشار.",
            "emergency": "الطوارئ: الشرطة 1 9",
            "day": "الاثنين",
        },
    ),
    "en": (
        3,
        "Polly.Amy",
        "en-GB",
        {
            "welcome": "Welcome to the test helpline.",
            "set": "Language set.",
            "menu": "Main menu:",
            "legal": "Legal aid",
            "answer": "Legal aid gives a lawyer.",
            "passing": "Passing you to a counsellor.",
            "emergency": "Emergency: police 1 9",
            "day": "Monday",
        },
    ),
}


# --- the schema, and what a TwiML document says -----------------------------------------------


class _LocalXmlXsd(etree.Resolver):
    """The schema imports http://www.w3.org/2001/xml.xsd: answer with the local stand-in."""

    def resolve(self, url: str | None, pubid: str | None, context: Any) -> Any:
        if url and url.endswith("xml.xsd"):
            return self.resolve_filename(str(SPECS / "xml.xsd"), context)
        return None


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalXmlXsd())
    main = SPECS / "twiml_v20100401_twilioRealtimeCallSchema.xsd"
    return etree.XMLSchema(etree.parse(str(main), parser))


class Twiml:
    """One TwiML answer, read the way a test wants to ask about it."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.root = etree.fromstring(raw)

    def _says(self, where: Any) -> list[tuple[str, str | None, str | None]]:
        return [(e.text or "", e.get("voice"), e.get("language")) for e in where.iter("Say")]

    @property
    def says(self) -> list[tuple[str, str | None, str | None]]:
        return self._says(self.root)

    @property
    def text(self) -> str:
        return " ".join(text for text, _, _ in self.says)

    @property
    def gather(self) -> Any:
        return self.root.find("Gather")

    @property
    def prompt(self) -> list[str]:
        """What is said inside <Gather>: the prompt the caller answers."""
        return [text for text, _, _ in self._says(self.gather)] if self.gather is not None else []

    @property
    def before(self) -> list[str]:
        """What is said before <Gather>."""
        return [e.text or "" for e in self.root.findall("Say")]

    def find(self, tag: str) -> Any:
        return self.root.find(tag)

    @property
    def verbs(self) -> list[str]:
        return [e.tag for e in self.root]


def call_params(
    sid: str = FIRST_CALL, caller: str = "+212612345678", **extra: str
) -> dict[str, str]:
    """What Twilio posts with every webhook of a call."""
    return {
        "AccountSid": "AC" + "f" * 32,
        "CallSid": sid,
        "From": caller,
        "To": "+212522000000",
        "CallStatus": "in-progress",
        "Direction": "inbound",
        "ApiVersion": "2010-04-01",
        **extra,
    }


class Phone:
    """A caller: each method is one webhook Twilio would send, signed as Twilio signs it."""

    def __init__(
        self,
        client: TestClient,
        schema: etree.XMLSchema,
        caller: str = "+212612345678",
        sid: str = FIRST_CALL,
    ) -> None:
        self.client, self.schema, self.caller, self.sid = client, schema, caller, sid
        self.last: Twiml | None = None
        self.enqueue: Any = None  # the <Enqueue> the caller waits in

    def post(self, url: str, **extra: str) -> Twiml:
        params = call_params(self.sid, self.caller, **extra)
        response = self.client.post(
            url.removeprefix(PUBLIC), data=params, headers=signed_headers(url, params, TOKEN)
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/xml")
        twiml = Twiml(response.content)
        assert self.schema.validate(twiml.root), f"{self.schema.error_log}\n{response.text}"
        self.last = twiml
        if twiml.find("Enqueue") is not None:
            self.enqueue = twiml.find("Enqueue")
        return twiml

    @property
    def _action(self) -> str:
        assert self.last is not None and self.last.gather is not None, "no <Gather> to answer"
        return str(self.last.gather.get("action"))

    def start(self) -> Twiml:
        return self.post(VOICE, CallStatus="ringing")

    def press(self, digits: str | int) -> Twiml:
        return self.post(self._action, Digits=str(digits))

    def speak(self, words: str) -> Twiml:
        return self.post(self._action, SpeechResult=words, Confidence="0.91")

    def silence(self) -> Twiml:
        """The prompt timed out: Twilio follows the <Redirect> after the <Gather>."""
        assert self.last is not None
        redirect = self.last.find("Redirect")
        assert redirect is not None and redirect.get("method") == "POST"
        return self.post(str(redirect.text))

    def leave_message(self, url: str = RECORDING) -> Twiml:
        assert self.last is not None
        record = self.last.find("Record")
        assert record is not None
        return self.post(
            str(record.get("action")),
            RecordingUrl=url,
            RecordingSid="RE" + "1" * 32,
            RecordingDuration="14",
            Digits="#",
        )

    def wait(self, position: int) -> Twiml:
        assert self.enqueue is not None, "the caller is not in a queue"
        return self.post(
            str(self.enqueue.get("waitUrl")),
            QueuePosition=str(position),
            QueueSid="QU" + "2" * 32,
            QueueTime="30",
            CurrentQueueSize=str(position),
        )

    def leave_queue(self, result: str) -> Twiml:
        assert self.enqueue is not None, "the caller is not in a queue"
        return self.post(str(self.enqueue.get("action")), QueueResult=result, QueueTime="95")


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def make_phone_runtime(make_runtime: Callable[..., Runtime]) -> Callable[..., Runtime]:
    def make(**changes: Any) -> Runtime:
        changes.setdefault("parse", KeywordParser())
        return make_runtime(twilio_auth_token=TOKEN, public_url=PUBLIC, **changes)

    return make


@pytest.fixture
def runtime(make_phone_runtime: Callable[..., Runtime]) -> Runtime:
    return make_phone_runtime()


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


@pytest.fixture
def phone(client: TestClient, schema: etree.XMLSchema) -> Phone:
    return Phone(client, schema)


def on_duty(runtime: Runtime, languages: str = "fr,ar,en", name: str = "amina") -> None:
    with runtime.db.session() as s:
        s.add(Counsellor(name=name, password_hash="-", languages=languages, on_duty=True))


def count(runtime: Runtime, model: type, *where: Any) -> int:
    with runtime.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def tickets(runtime: Runtime) -> list[tuple[str, str, str, str | None]]:
    with runtime.db.session() as s:
        return [(t.priority, t.reason, t.channel, t.language) for t in s.scalars(select(Ticket))]


def chose(phone: Phone, language: str) -> Twiml:
    phone.start()
    return phone.press(LANGUAGES[language][0])


# --- whole calls, in each language ------------------------------------------------------------


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_a_call_reaches_legal_aid_and_a_counsellor_in_each_language(
    runtime: Runtime, phone: Phone, language: str
) -> None:
    key, voice, speech, words = LANGUAGES[language]
    on_duty(runtime)

    greeting = phone.start()
    gather = greeting.gather
    assert gather.get("input") == "dtmf speech" and gather.get("numDigits") == "1"
    voices = {v for _, v, _ in greeting.says}
    assert voices == {"Polly.Lea", "Polly.Zeina", "Polly.Amy"}  # each language in its own voice
    assert any(text == words["welcome"] and v == voice for text, v, _ in greeting.says)
    assert any(f"press {key}." in text and v == voice for text, v, _ in greeting.says)

    menu = phone.press(key)
    assert menu.before == [words["set"]]
    assert menu.prompt[0] == words["menu"]
    assert f"For {words['legal']}, press 1." in menu.prompt
    assert menu.prompt[-1] == "To hear this again, press 9. To talk to a counsellor, press 0."
    assert menu.gather.get("language") == speech
    assert {v for _, v, _ in menu.says} == {voice}
    assert words["legal"] in menu.gather.get("hints")

    legal = phone.press(1)
    assert legal.prompt[0] == words["answer"]  # the answer's voice variant
    assert len([p for p in legal.prompt if p.startswith("For ")]) == 2

    again = phone.press(9)
    assert again.prompt == legal.prompt

    assert phone.silence().prompt == ["Sorry, I did not hear you.", *legal.prompt]
    back_to_menu = phone.silence()
    assert back_to_menu.prompt[0] == words["menu"]

    wrong = phone.press(7)
    assert wrong.prompt == ["Sorry, that key is not one of the choices.", *back_to_menu.prompt]
    assert count(runtime, Ticket) == 0

    queued = phone.press(0)
    assert words["passing"] in queued.before
    assert "Please stay on the line: a counsellor will answer you" in queued.text
    enqueue = queued.find("Enqueue")
    assert enqueue.text == f"sanad-{language}"
    assert enqueue.get("waitUrl") == f"{VOICE}/wait?lang={language}"
    assert queued.verbs[-1] == "Enqueue"
    assert tickets(runtime) == [("normal", "talk_to_human", "voice", language)]
    with runtime.db.session() as s:
        assert s.scalar(select(Conversation.state)) == "queued"

    waiting = phone.wait(position=2)
    assert waiting.says == [
        ("You are number 2 in the queue. Please stay on the line.", voice, waiting.says[0][2])
    ]
    assert waiting.find("Pause") is not None

    done = phone.leave_queue("bridged")
    assert done.verbs == ["Say", "Hangup"]


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_out_of_hours_the_caller_hears_the_hours_and_numbers_and_leaves_a_voicemail(
    make_phone_runtime: Callable[..., Runtime], schema: etree.XMLSchema, language: str
) -> None:
    runtime = make_phone_runtime(opening_hours="mon-fri 09:00-17:00", clock=lambda: SATURDAY_NOON)
    on_duty(runtime)
    with TestClient(create_app(runtime)) as client:
        phone = Phone(client, schema)
        chose(phone, language)
        _, voice, _, words = LANGUAGES[language]

        closed = phone.press(0)
        record = closed.find("Record")
        assert record.get("maxLength") == "120" and record.get("playBeep") == "true"
        assert closed.verbs[closed.verbs.index("Record") + 1 :] == ["Say", "Hangup"]
        said = closed.text
        assert "No counsellor can answer the phone right now." in said
        assert words["day"] in said  # the hours, in the caller's language
        assert words["emergency"] in said  # the emergency numbers' voice variant
        assert "After the tone, leave a message" in said
        assert {v for _, v, _ in closed.says} == {voice}
        assert count(runtime, Ticket) == 0  # nobody is waiting for a call back yet

        thanks = phone.leave_message()
        assert thanks.verbs[-1] == "Hangup"
        assert "Thank you. Your message is recorded" in thanks.text

    assert tickets(runtime) == [("normal", "voicemail", "voice", language)]
    with runtime.db.session() as s:
        message = s.scalars(select(Message).where(Message.media_type == "recording")).one()
        body = json.loads(runtime.vault.decrypt(message.body) or "{}")
    assert body["media"][0]["ref"].endswith("/Recordings/RE1")


def test_in_hours_with_nobody_on_duty_for_the_language_the_caller_leaves_a_voicemail(
    runtime: Runtime, phone: Phone
) -> None:
    on_duty(runtime, languages="fr")
    chose(phone, "ar")
    closed = phone.press(0)
    assert closed.find("Record") is not None and closed.find("Enqueue") is None
    assert "Counsellors answer calls" not in closed.text  # always open: no hours to give
    assert LANGUAGES["ar"][3]["emergency"] in closed.text


def test_a_flow_handoff_from_the_menu_puts_the_caller_in_the_queue(
    runtime: Runtime, phone: Phone
) -> None:
    on_duty(runtime)
    chose(phone, "en")
    queued = phone.press(2)  # "Talk to someone"
    assert queued.find("Enqueue").text == "sanad-en"
    assert "You are number" not in queued.text  # the text channels' notice is not read out
    assert tickets(runtime) == [("normal", "talk_to_human", "voice", "en")]


def test_when_the_queue_fails_the_caller_can_still_leave_a_message(
    runtime: Runtime, phone: Phone
) -> None:
    on_duty(runtime)
    chose(phone, "fr")
    phone.press(0)
    failed = phone.leave_queue("queue-full")
    assert failed.find("Record") is not None
    assert phone.leave_message().verbs[-1] == "Hangup"


def test_a_caller_who_hangs_up_in_the_queue_gets_an_empty_answer(
    runtime: Runtime, phone: Phone
) -> None:
    on_duty(runtime)
    chose(phone, "fr")
    phone.press(0)
    assert phone.leave_queue("hangup").verbs == []


# --- speech ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "language"),
    [("arabe", "ar"), ("العربية", "ar"), ("English please", "en"), ("en français", "fr")],
)
def test_the_language_can_be_said(phone: Phone, words: str, language: str) -> None:
    phone.start()
    menu = phone.speak(words)
    assert menu.prompt[0] == LANGUAGES[language][3]["menu"]
    assert menu.gather.get("language") == LANGUAGES[language][2]


def test_a_question_can_be_said_and_critical_risk_reaches_a_counsellor_at_once(
    runtime: Runtime, phone: Phone
) -> None:
    on_duty(runtime)
    chose(phone, "en")
    assert phone.speak("I need a lawyer").prompt[0] == "Legal aid gives a lawyer."
    urgent = phone.speak("I want to kill myself")
    assert urgent.before[0] == "You are not alone. Police: 1 9."  # the safety reply, spoken
    assert urgent.find("Enqueue").text == "sanad-en"
    assert tickets(runtime) == [("critical", "critical_risk", "voice", "en")]


def test_critical_risk_out_of_hours_gives_the_safety_reply_then_a_voicemail(
    make_phone_runtime: Callable[..., Runtime], schema: etree.XMLSchema
) -> None:
    runtime = make_phone_runtime(opening_hours="mon-fri 09:00-17:00", clock=lambda: SATURDAY_NOON)
    with TestClient(create_app(runtime)) as client:
        phone = Phone(client, schema)
        chose(phone, "en")
        urgent = phone.speak("I want to kill myself")
    assert urgent.before[0] == "You are not alone. Police: 1 9."
    assert "Emergency: police" not in urgent.text  # the safety reply already gave the numbers
    assert "Monday to Friday" in urgent.text
    assert urgent.find("Record") is not None
    assert tickets(runtime) == [("critical", "critical_risk", "voice", "en")]


# --- the rest of a call ----------------------------------------------------------------------


def test_silence_repeats_once_then_gives_the_menu_then_says_goodbye(phone: Phone) -> None:
    chose(phone, "en")
    legal = phone.press(1)
    assert phone.silence().prompt[1:] == legal.prompt
    assert phone.silence().prompt[0] == "Main menu:"
    assert phone.silence().prompt[0] == "Sorry, I did not hear you."
    goodbye = phone.silence()
    assert goodbye.verbs == ["Say", "Hangup"]


def test_silence_at_the_language_menu_asks_the_language_again(phone: Phone) -> None:
    greeting = phone.start()
    assert phone.silence().prompt[1:] == greeting.prompt
    asked = phone.silence()
    assert {v for _, v, _ in asked.says} == {"Polly.Lea", "Polly.Zeina", "Polly.Amy"}
    assert phone.press(2).prompt[0] == "القائمة الرئيسية:"


def test_star_goes_back_to_the_main_menu(phone: Phone) -> None:
    chose(phone, "fr")
    phone.press(1)
    assert phone.press("*").prompt[0] == "Menu principal :"


def test_a_webhook_sent_twice_is_processed_once(runtime: Runtime, phone: Phone) -> None:
    chose(phone, "en")
    action = phone._action
    first = phone.press(1)
    again = phone.post(action, Digits="1")  # Twilio retried the same step
    assert again.prompt == first.prompt
    assert count(runtime, Message, Message.direction == "in") == 2  # the language, then "1"


def test_a_returning_caller_is_offered_the_languages_again_and_keeps_their_conversation(
    runtime: Runtime, client: TestClient, schema: etree.XMLSchema
) -> None:
    chose(Phone(client, schema), "ar")
    second = Phone(client, schema, sid="CA" + "0" * 31 + "2")
    assert len({v for _, v, _ in second.start().says}) == 3
    assert second.press(3).prompt[0] == "Main menu:"
    assert count(runtime, Contact) == 1


def test_callers_who_hide_their_number_are_never_mixed_up(
    runtime: Runtime, client: TestClient, schema: etree.XMLSchema
) -> None:
    chose(Phone(client, schema, caller="anonymous", sid="CA" + "a" * 32), "fr")
    chose(Phone(client, schema, caller="+266696687", sid="CA" + "b" * 32), "en")
    assert count(runtime, Contact) == 2


def test_erasing_everything_by_phone_ends_the_call(runtime: Runtime, phone: Phone) -> None:
    chose(phone, "en")
    assert phone.press(4).prompt[0] == "Erase everything?"
    erased = phone.press(1)
    assert erased.verbs == ["Say", "Hangup"] and erased.text == "Erased."
    assert count(runtime, Contact) == 0


def test_no_recording_means_no_ticket(runtime: Runtime, phone: Phone) -> None:
    chose(phone, "fr")
    on_duty(runtime, languages="ar")
    phone.press(0)
    assert phone.last is not None
    action = str(phone.last.find("Record").get("action"))
    nothing = phone.post(action)  # no RecordingUrl: the caller hung up before the tone
    assert nothing.verbs == ["Say", "Hangup"]
    assert count(runtime, Ticket) == 0


# --- recordings and voices ----------------------------------------------------------------------


def test_an_answer_with_a_recording_is_played_and_the_recording_is_served(
    make_phone_runtime: Callable[..., Runtime],
    schema: etree.XMLSchema,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    audio = content / "locales" / "fr" / "audio"
    audio.mkdir()
    (audio / "legal.what.mp3").write_bytes(b"ID3 fake mp3")
    (audio / "legal.old.mp3").write_bytes(b"ID3 an answer that is gone")
    runtime = make_phone_runtime(content_dir=content)
    with caplog.at_level(logging.WARNING, logger="handlers.twilio_voice.adapter"):
        app = create_app(runtime)
    assert "legal.old.mp3 is never played" in caplog.text
    assert "legal.what.mp3" not in caplog.text
    with TestClient(app) as client:
        phone = Phone(client, schema)
        chose(phone, "fr")
        legal = phone.press(1)
        url = f"{VOICE}/audio/fr/legal.what.mp3"
        assert [e.text for e in legal.gather.iter("Play")] == [url]
        assert "L'aide judiciaire donne un avocat." not in legal.text
        served = client.get(url.removeprefix(PUBLIC))
        assert served.status_code == 200 and served.content == b"ID3 fake mp3"
        assert served.headers["content-type"] == "audio/mpeg"
        for missing in (
            "/audio/en/legal.what.mp3",
            "/audio/xx/legal.what.mp3",
            "/audio/fr/..%2Flanguage.yml",
            "/audio/fr/legal.what.wav",
        ):
            assert client.get("/webhooks/twilio/voice" + missing).status_code == 404


def test_voices_are_configurable_per_language(
    make_phone_runtime: Callable[..., Runtime], schema: etree.XMLSchema
) -> None:
    runtime = make_phone_runtime(
        extra={
            "SANAD_VOICE_EN": "Polly.Brian",
            "SANAD_SPEECH_EN": "en-US",
            "SANAD_VOICE_QUEUE": "helpline",
        }
    )
    on_duty(runtime)
    with TestClient(create_app(runtime)) as client:
        phone = Phone(client, schema)
        menu = chose(phone, "en")
        assert {v for _, v, _ in menu.says} == {"Polly.Brian"}
        assert menu.gather.get("language") == "en-US"
        assert phone.press(0).find("Enqueue").text == "helpline-en"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SANAD_VOICE_FR", "Polly.Lea-Neural"),
        ("SANAD_VOICE_AR", "Google.ar-XA-Standard-A"),
        ("SANAD_VOICE_QUEUE", "a queue"),
    ],
)
def test_a_setting_the_schema_would_refuse_is_a_clear_startup_error(
    make_phone_runtime: Callable[..., Runtime], name: str, value: str
) -> None:
    runtime = make_phone_runtime(extra={name: value})
    with pytest.raises(ConfigError, match=name):
        create_app(runtime)


def test_spoken_opening_hours(make_phone_runtime: Callable[..., Runtime]) -> None:
    from handlers.twilio_voice.hours import spoken_hours

    runtime = make_phone_runtime(opening_hours="mon-fri 09:00-12:00,14:00-17:00; sat 10:00-13:00")
    catalogs, renderer = runtime.content.catalogs, runtime.engine.renderer

    def said(code: str) -> str:
        return (
            spoken_hours(
                runtime.hours, catalogs.language(code), lambda text: renderer.text(text, code)
            )
            or ""
        )

    english = said("en").replace("\u202f", " ")
    assert english == (
        "Counsellors answer calls Monday to Friday from 9:00 AM to 12:00 PM, "
        "from 2:00 PM to 5:00 PM; Saturday from 10:00 AM to 1:00 PM."
    )
    assert "lundi" in said("fr") and "samedi" in said("fr") and "14:00" in said("fr")
    assert "السبت" in said("ar")


# --- what the phone line refuses ---------------------------------------------------------------


def _no_trace(runtime: Runtime, portal: BlockingPortal, sid: str) -> None:
    assert count(runtime, Contact) == 0 and count(runtime, Message) == 0
    assert portal.call(runtime.store.get, f"voice:call:{sid}") is None


@pytest.mark.parametrize(
    "path", ["", "/gather?step=1", "/record?lang=fr", "/wait?lang=fr", "/queue?lang=fr"]
)
def test_a_webhook_without_a_valid_signature_is_refused_and_leaves_no_trace(
    runtime: Runtime, client: TestClient, portal: BlockingPortal, path: str
) -> None:
    params = call_params(Digits="1", RecordingUrl="https://api.twilio.com/x")
    url = VOICE + path
    unsigned = client.post(url.removeprefix(PUBLIC), data=params)
    assert unsigned.status_code == 403
    wrong_token = client.post(
        url.removeprefix(PUBLIC), data=params, headers=signed_headers(url, params, "another-token")
    )
    assert wrong_token.status_code == 403
    other_url = client.post(
        url.removeprefix(PUBLIC),
        data=params,
        headers=signed_headers("https://evil.example" + url[len(PUBLIC) :], params, TOKEN),
    )
    assert other_url.status_code == 403
    tampered = dict(params, Digits="0")
    changed = client.post(
        url.removeprefix(PUBLIC), data=tampered, headers=signed_headers(url, params, TOKEN)
    )
    assert changed.status_code == 403
    _no_trace(runtime, portal, FIRST_CALL)


@pytest.mark.parametrize(
    ("path", "drop", "change"),
    [
        ("", "CallSid", {}),
        ("", "From", {}),
        ("", None, {"CallSid": "CA-not-a-sid"}),
        ("/gather?step=abc", None, {}),
        ("/gather", None, {}),
        ("/record?lang=fr", None, {"RecordingUrl": "not a url"}),
    ],
)
def test_a_malformed_webhook_is_a_400_and_leaves_no_trace(
    runtime: Runtime,
    client: TestClient,
    portal: BlockingPortal,
    path: str,
    drop: str | None,
    change: dict[str, str],
) -> None:
    params = {k: v for k, v in call_params(**change).items() if k != drop}
    url = VOICE + path
    response = client.post(
        url.removeprefix(PUBLIC), data=params, headers=signed_headers(url, params, TOKEN)
    )
    assert response.status_code == 400
    _no_trace(runtime, portal, FIRST_CALL)


def test_a_body_that_is_not_a_form_is_a_400(client: TestClient) -> None:
    headers = signed_headers(VOICE, {}, TOKEN)
    headers["Content-Type"] = "application/json"
    assert client.post("/webhooks/twilio/voice", content=b"{}", headers=headers).status_code == 400


def test_written_messages_to_a_caller_are_undeliverable(
    runtime: Runtime, portal: BlockingPortal
) -> None:
    create_app(runtime)
    adapter = runtime.adapters["voice"]
    delivery = Delivery(1, "voice", "+212612345678", "fr", (), False, None, None)
    with pytest.raises(Undeliverable, match="call the person back"):
        portal.call(adapter.send, delivery)


def test_the_phone_line_is_off_without_a_twilio_auth_token(
    make_runtime: Callable[..., Runtime],
) -> None:
    runtime = make_runtime(parse=KeywordParser())
    create_app(runtime)
    assert "voice" not in runtime.adapters


# --- the engine's part: a language pressed before anything else --------------------------------


def test_a_new_person_who_first_presses_a_language_gets_the_menu_in_it(
    runtime: Runtime, portal: BlockingPortal
) -> None:
    bot = bot_for(runtime, portal, sender="+212600000009")
    said = bot.say("2", option="system.language:ar")
    assert said.language == "ar"
    assert said.text == "تم اختيار اللغة.\nالقائمة الرئيسية:"
    assert bot.choose(1).text == "المساعدة القضائية توفر محامياً."


# --- many workers ----------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.redis
def test_each_webhook_of_a_call_can_reach_any_worker(
    make_phone_runtime: Callable[..., Runtime],
    postgres_url: str,
    redis_url: str,
    schema: etree.XMLSchema,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The call's state is in Redis and its conversation in PostgreSQL: no worker is special."""
    from bot.state.redis import RedisStore

    workers = [
        make_phone_runtime(
            database_url=postgres_url, store=RedisStore(redis_url, prefix="sanad-test:")
        )
        for _ in range(2)
    ]
    on_duty(workers[0])
    for worker in workers:  # only the webhooks matter here, not the background loops
        monkeypatch.setattr(worker, "workers", dict)
    with TestClient(create_app(workers[0])) as one, TestClient(create_app(workers[1])) as two:
        phone = Phone(one, schema)
        phone.start()
        phone.client = two
        assert phone.press(3).prompt[0] == "Main menu:"
        phone.client = one
        legal = phone.press(1)
        phone.client = two
        assert phone.press(9).prompt == legal.prompt
        phone.client = one
        assert phone.press(0).find("Enqueue").text == "sanad-en"
    assert tickets(workers[1]) == [("normal", "talk_to_human", "voice", "en")]


def test_a_call_whose_state_expired_goes_on_where_the_conversation_waits(
    runtime: Runtime, phone: Phone, portal: BlockingPortal
) -> None:
    chose(phone, "en")
    portal.call(runtime.store.delete, f"voice:call:{FIRST_CALL}")  # expired, or Redis restarted
    assert phone.press(1).prompt[0] == "Legal aid gives a lawyer."
