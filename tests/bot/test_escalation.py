"""Escalation: the triggers, the queue's order, and what counsellors do with a ticket."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from anyio.from_thread import BlockingPortal
from argon2 import PasswordHasher
from sqlalchemy import select

from bot import counsellors
from bot.cli import _chat_jsonl
from bot.counsellors import Identity
from bot.domain import Capabilities, Inbound, Media
from bot.escalation import JOINED, Desk, EscalationError
from bot.outbox import Delivery
from bot.runtime import Runtime
from bot.storage import AuditEvent, Conversation, Message, Outbound, Ticket
from bot.testing import Clock, TestBot

from .conftest import KeywordParser

PASSWORD = "correct horse battery"


class Phone:
    """An SMS adapter that records what reaches the person's phone."""

    name = "phone"
    channels = ("sms", "voice")

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def capabilities(self, channel: str) -> Capabilities:
        return Capabilities(buttons=False)

    async def send(self, delivery: Delivery) -> Sequence[str]:
        self.sent += [(delivery.address, m.text) for m in delivery.messages]
        return ["SM1"]


def add(
    runtime: Runtime, name: str, languages: tuple[str, ...] = ("fr", "en"), role: str = "counsellor"
) -> Identity:
    with runtime.db.session() as s:
        return counsellors.identity(counsellors.add(s, name, languages, role, PASSWORD))


def desk(runtime: Runtime) -> Desk:
    return Desk(runtime.db, runtime.store, runtime.vault, runtime.outbox, runtime.engine.clock)


def ticket_of(said: object) -> int:
    return int(said.ticket.id)  # type: ignore[attr-defined]


def outbox_texts(runtime: Runtime) -> list[str]:
    with runtime.db.session() as s:
        rows = s.scalars(select(Outbound).order_by(Outbound.id)).all()
        return [m["text"] for row in rows for m in json.loads(runtime.vault.decrypt(row.payload))]


@pytest.fixture(autouse=True)
def fast_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same argon2id, at a cost tests can afford (production keeps the library's defaults)."""
    monkeypatch.setattr(
        counsellors, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))


@pytest.fixture
def runtime(make_runtime: Callable[..., Runtime], parser: KeywordParser, clock: Clock) -> Runtime:
    return make_runtime(parse=parser, clock=clock)


@pytest.fixture
def phone(runtime: Runtime) -> Phone:
    phone = Phone()
    runtime.adapters.update({"sms": phone, "voice": phone})  # type: ignore[dict-item]
    return phone


def drain(runtime: Runtime, portal: BlockingPortal) -> None:
    """Deliver everything due (one message per person per round, in order)."""
    while portal.call(runtime.outbox.deliver_due):
        pass


def person(
    runtime: Runtime, portal: BlockingPortal, name: str, channel: str = "webchat"
) -> TestBot:
    return TestBot(runtime, portal, sender=name, channel=channel)


# --- triggers ---------------------------------------------------------------------------------


def test_every_trigger_opens_a_ticket_with_its_priority_and_reason(
    runtime: Runtime, portal: BlockingPortal
) -> None:
    assert (
        person(runtime, portal, "a").say("i want a human counsellor").ticket.reason
        == "talk_to_human"
    )
    critical = person(runtime, portal, "b").say("i want to kill myself")
    assert (critical.ticket.priority, critical.ticket.reason) == ("critical", "critical_risk")
    hopeless = person(runtime, portal, "c")
    hopeless.say("hello")
    hopeless.say("i am hopeless")
    assert hopeless.say("yes").ticket.priority == "elevated"
    lost = person(runtime, portal, "d")
    lost.say("hello")
    lost.say("qwerty")
    lost.say("asdfgh")
    assert lost.choose("Counsellor").ticket.reason == "talk_to_human"

    def press(caller: str, **kwargs: str) -> object:
        return portal.call(runtime.engine.handle, Inbound("voice", caller, "", **kwargs))

    press("+212600000001", option="system.language:fr")  # the phone line's first menu
    zero = press("+212600000001", intent="talk_to_human")  # then "0"
    assert zero.state == "queued" and zero.ticket is not None  # type: ignore[attr-defined]
    press("+212600000006", intent="talk_to_human")  # "0" before the language: kept for after it
    after = press("+212600000006", option="system.language:ar")
    assert after.ticket.reason == "talk_to_human"  # type: ignore[attr-defined]

    recording = Media("recording", "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1")
    voicemail = portal.call(
        runtime.engine.handle, Inbound("voice", "+212600000002", "", media=(recording,))
    )
    assert (voicemail.ticket.priority, voicemail.ticket.reason) == ("normal", "voicemail")


def test_a_critical_message_alerts_the_console_with_ids_only(
    runtime: Runtime, portal: BlockingPortal
) -> None:
    async def scenario() -> list[dict[str, object]]:
        async with runtime.store.subscribe("console") as events:
            await runtime.engine.handle(
                Inbound("webchat", "someone-1", "i want to kill myself tonight")
            )
            return [json.loads(await asyncio.wait_for(events.__anext__(), 2)) for _ in range(2)]

    events = portal.call(scenario)
    assert [e["kind"] for e in events] == ["ticket", "alert"]
    assert events[1]["priority"] == "critical" and events[1]["ticket_id"] == events[0]["ticket_id"]
    assert "kill" not in json.dumps(events)


def test_a_critical_message_while_with_a_counsellor_raises_the_ticket_and_alerts(
    runtime: Runtime, portal: BlockingPortal
) -> None:
    amina = add(runtime, "Amina")
    bot = person(runtime, portal, "p")
    ticket = ticket_of(bot.say("i want a human counsellor"))
    portal.call(desk(runtime).claim, ticket, amina)
    said = bot.say("i want to kill myself")
    assert said.text == "You are not alone. Police: 19."  # the safety reply, even with a human
    assert said.state == "with_counsellor" and said.ticket.priority == "critical"


# --- the queue --------------------------------------------------------------------------------


def test_the_queue_is_ordered_by_risk_then_by_waiting_time(
    runtime: Runtime, portal: BlockingPortal, clock: Clock
) -> None:
    ids = {}
    for name, text in [
        ("normal-1", "i want a human counsellor"),
        ("elevated", None),
        ("normal-2", "i want a human counsellor"),
        ("critical", "i want to kill myself"),
    ]:
        bot = person(runtime, portal, name)
        if text is None:
            bot.say("hello")
            bot.say("i am hopeless")
            said = bot.say("yes")
        else:
            said = bot.say(text)
        ids[name] = ticket_of(said)
        clock.advance(minutes=3)
    board = portal.call(desk(runtime).board, add(runtime, "Amina"))
    assert [t.id for t in board.queued] == [
        ids["critical"],
        ids["elevated"],
        ids["normal-1"],
        ids["normal-2"],
    ]
    assert board.queued[2].waiting(clock.now) == timedelta(minutes=12)
    # The person is told the same order: a new normal ticket waits behind all four.
    assert (
        "You are number 5 in the queue."
        in person(runtime, portal, "late").say("i want a human").text
    )


def test_counsellors_see_their_languages_first_and_supervisors_see_everything(
    runtime: Runtime, portal: BlockingPortal
) -> None:
    arabic = ticket_of(person(runtime, portal, "ar").say("مرحبا أريد مستشار"))
    french = ticket_of(person(runtime, portal, "fr").say("je veux un conseiller"))
    amina = add(runtime, "Amina", ("fr",))
    board = portal.call(desk(runtime).board, amina)
    assert [t.id for t in board.queued] == [french]
    assert [t.id for t in board.other_languages] == [arabic]
    chief = add(runtime, "Chief", ("fr",), role="supervisor")
    board = portal.call(desk(runtime).board, chief)
    assert [t.id for t in board.queued] == [arabic, french] and board.other_languages == ()


# --- claiming, replying, closing --------------------------------------------------------------


def test_claiming_gives_the_conversation_to_the_counsellor_and_the_bot_goes_quiet(
    runtime: Runtime, portal: BlockingPortal, phone: Phone
) -> None:
    amina = add(runtime, "Amina")
    bot = person(runtime, portal, "+212600000003", channel="sms")
    ticket = ticket_of(bot.say("je veux parler à un conseiller"))
    portal.call(desk(runtime).claim, ticket, amina)
    portal.call(desk(runtime).claim, ticket, amina)  # a double click changes nothing
    drain(runtime, portal)
    assert phone.sent == [
        ("+212600000003", "Un·e conseiller·ère est avec vous. Vous pouvez lui écrire ici.")
    ]
    with runtime.db.session() as s:
        assert s.get(Ticket, ticket).status == "claimed"  # type: ignore[union-attr]
        assert s.scalars(select(Conversation.state)).one() == "with_counsellor"
    said = bot.say("j'ai besoin d'un avocat")
    assert said.replies == () and said.state == "with_counsellor"  # the counsellor answers
    assert bot.say("menu").labels[0] == "Aide juridique"  # commands still work


def test_a_second_claim_is_told_who_was_first(runtime: Runtime, portal: BlockingPortal) -> None:
    amina, omar = add(runtime, "Amina"), add(runtime, "Omar")
    ticket = ticket_of(person(runtime, portal, "p").say("i want a human counsellor"))
    portal.call(desk(runtime).claim, ticket, amina)
    with pytest.raises(EscalationError, match="Amina took this conversation a moment before you"):
        portal.call(desk(runtime).claim, ticket, omar)


def test_a_counsellor_reply_reaches_the_person_on_their_own_channel(
    runtime: Runtime, portal: BlockingPortal, phone: Phone
) -> None:
    amina = add(runtime, "Amina")
    ticket = ticket_of(
        person(runtime, portal, "+212600000004", channel="sms").say("i want a human")
    )
    portal.call(desk(runtime).claim, ticket, amina)
    portal.call(desk(runtime).reply, ticket, amina, "Hello, I am Amina. \x00How can I help?")
    drain(runtime, portal)
    assert phone.sent[-1] == ("+212600000004", "Hello, I am Amina. How can I help?")
    with runtime.db.session() as s:
        reply = s.scalars(select(Message).where(Message.direction == "counsellor")).one()
        assert reply.counsellor_id == amina.id and b"Amina" not in reply.body  # type: ignore[operator]
        assert s.scalars(select(Outbound.proactive).order_by(Outbound.id.desc())).first() is True


def test_a_reply_to_a_ticket_one_does_not_have_is_refused_and_nothing_is_sent(
    runtime: Runtime, portal: BlockingPortal
) -> None:
    amina, omar = add(runtime, "Amina"), add(runtime, "Omar")
    ticket = ticket_of(person(runtime, portal, "p").say("i want a human counsellor"))
    with pytest.raises(EscalationError, match="Take this conversation first"):
        portal.call(desk(runtime).reply, ticket, amina, "hello")
    portal.call(desk(runtime).claim, ticket, amina)
    with pytest.raises(EscalationError, match="Amina has this conversation: only they can write"):
        portal.call(desk(runtime).reply, ticket, omar, "hello")
    with pytest.raises(EscalationError, match="The message is empty"):
        portal.call(desk(runtime).reply, ticket, amina, " \u200b ")
    portal.call(desk(runtime).close, ticket, amina, "information")
    with pytest.raises(EscalationError, match="This conversation is closed: nothing was sent"):
        portal.call(desk(runtime).reply, ticket, amina, "one more thing")
    assert not any("hello" in t or "one more" in t for t in outbox_texts(runtime))


def test_closing_with_an_outcome_hands_back_to_the_bot_and_tells_the_person_in_their_language(
    runtime: Runtime, portal: BlockingPortal
) -> None:
    amina = add(runtime, "Amina", ("ar",))
    bot = person(runtime, portal, "p")
    ticket = ticket_of(bot.say("مرحبا أريد مستشار"))
    portal.call(desk(runtime).claim, ticket, amina)
    with pytest.raises(EscalationError, match="Choose how the conversation ended"):
        portal.call(desk(runtime).close, ticket, amina, "shrug")
    portal.call(desk(runtime).close, ticket, amina, "referral")
    assert outbox_texts(runtime)[-1].startswith("أنهى المستشار هذه المحادثة.")
    with runtime.db.session() as s:
        closed = s.get(Ticket, ticket)
        assert (closed.status, closed.outcome) == ("closed", "referral")  # type: ignore[union-attr]
    said = bot.say("أحتاج محامي")
    assert said.state == "bot" and said.text == "المساعدة القضائية توفر محامياً."


def test_releasing_puts_the_ticket_back_at_its_place_in_the_queue(
    runtime: Runtime, portal: BlockingPortal, clock: Clock
) -> None:
    amina = add(runtime, "Amina")
    first = ticket_of(person(runtime, portal, "first").say("i want a human counsellor"))
    clock.advance(minutes=5)
    second = ticket_of(person(runtime, portal, "second").say("i want a human counsellor"))
    portal.call(desk(runtime).claim, first, amina)
    portal.call(desk(runtime).release, first, amina)
    board = portal.call(desk(runtime).board, amina)
    assert [t.id for t in board.queued] == [first, second] and board.mine == ()
    with runtime.db.session() as s:
        assert s.get(Conversation, s.get(Ticket, first).conversation_id).state == "queued"  # type: ignore[union-attr]


def test_transferring_to_a_colleague_passes_the_right_to_reply(
    runtime: Runtime, portal: BlockingPortal
) -> None:
    amina, omar = add(runtime, "Amina"), add(runtime, "Omar")
    gone = add(runtime, "Gone")
    with runtime.db.session() as s:
        counsellors.set_active(s, gone.id, False)
    ticket = ticket_of(person(runtime, portal, "p").say("i want a human counsellor"))
    portal.call(desk(runtime).claim, ticket, amina)
    with pytest.raises(EscalationError, match="Choose an active colleague"):
        portal.call(desk(runtime).transfer, ticket, amina, gone.id)
    with pytest.raises(EscalationError, match="with a colleague"):
        portal.call(desk(runtime).transfer, ticket, omar, omar.id)  # not Omar's to give
    portal.call(desk(runtime).transfer, ticket, amina, omar.id)
    portal.call(desk(runtime).reply, ticket, omar, "Omar here")
    with pytest.raises(EscalationError, match="Omar has this conversation"):
        portal.call(desk(runtime).reply, ticket, amina, "still me?")
    assert [t.id for t in portal.call(desk(runtime).board, omar).mine] == [ticket]


def test_a_supervisor_may_close_or_release_any_conversation(
    runtime: Runtime, portal: BlockingPortal
) -> None:
    amina, chief = add(runtime, "Amina"), add(runtime, "Chief", role="supervisor")
    ticket = ticket_of(person(runtime, portal, "p").say("i want a human counsellor"))
    portal.call(desk(runtime).claim, ticket, amina)
    assert [t.id for t in portal.call(desk(runtime).board, chief).colleagues] == [ticket]
    portal.call(desk(runtime).close, ticket, chief, "follow_up")
    with runtime.db.session() as s:
        assert s.get(Ticket, ticket).outcome == "follow_up"  # type: ignore[union-attr]


def test_notes_stay_with_the_conversation_and_are_never_sent(
    runtime: Runtime, portal: BlockingPortal
) -> None:
    amina = add(runtime, "Amina")
    ticket = ticket_of(person(runtime, portal, "p").say("i want a human counsellor"))
    before = outbox_texts(runtime)
    portal.call(desk(runtime).note, ticket, amina, "Called back, no answer.")
    assert outbox_texts(runtime) == before
    case = portal.call(desk(runtime).case, ticket, amina)
    assert (case.lines[-1].direction, case.lines[-1].text, case.lines[-1].counsellor) == (
        "note",
        "Called back, no answer.",
        "Amina",
    )


def test_opening_a_conversation_shows_the_history_and_is_audited_without_content(
    runtime: Runtime, portal: BlockingPortal
) -> None:
    amina, omar = add(runtime, "Amina"), add(runtime, "Omar")
    bot = person(runtime, portal, "p")
    bot.say("i need a lawyer")
    ticket = ticket_of(bot.say("i want a human counsellor"))
    case = portal.call(desk(runtime).case, ticket, amina)
    assert [line.direction for line in case.lines][:2] == ["in", "out"]
    assert case.lines[0].text == "i need a lawyer" and not case.viewer_has_it
    portal.call(desk(runtime).claim, ticket, amina)
    with pytest.raises(EscalationError, match="with a colleague"):
        portal.call(desk(runtime).case, ticket, omar)  # Amina's now: not for Omar
    portal.call(partial(desk(runtime).case, audit=False), ticket, amina)  # a live refresh
    with runtime.db.session() as s:
        events = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [(e.actor, e.action) for e in events] == [
            (f"counsellor:{amina.id}", "open_conversation"),
            (f"counsellor:{amina.id}", "claim"),
        ]
        assert events[0].subject == f"conversation:{case.ticket.conversation_id}"


def test_a_voicemail_can_be_played_and_the_number_shown_only_to_who_has_it(
    runtime: Runtime, portal: BlockingPortal
) -> None:
    amina, omar = add(runtime, "Amina"), add(runtime, "Omar")
    url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"
    result = portal.call(
        runtime.engine.handle,
        Inbound("voice", "+212600000005", "", media=(Media("recording", url, "audio/wav"),)),
    )
    ticket = result.ticket.id
    case = portal.call(desk(runtime).case, ticket, amina)
    line = next(line for line in case.lines if line.attachments)
    assert line.attachments[0].kind == "recording" and url not in repr(case)
    assert portal.call(desk(runtime).attachment, line.id, 0, amina) == (url, "audio/wav")
    with pytest.raises(EscalationError, match="Take this conversation first"):
        portal.call(desk(runtime).reveal, ticket, amina)
    portal.call(desk(runtime).claim, ticket, amina)
    assert portal.call(desk(runtime).reveal, ticket, amina) == "+212600000005"
    with pytest.raises(EscalationError):
        portal.call(desk(runtime).attachment, line.id, 0, omar)


def test_a_conversation_erased_by_the_person_is_gone_for_the_console(
    runtime: Runtime, portal: BlockingPortal
) -> None:
    amina = add(runtime, "Amina")
    bot = person(runtime, portal, "p")
    ticket = ticket_of(bot.say("i want a human counsellor"))
    portal.call(desk(runtime).claim, ticket, amina)
    bot.say("erase my data")
    assert bot.say("yes").result.erased
    with pytest.raises(EscalationError, match="asked for their data to be erased"):
        portal.call(desk(runtime).reply, ticket, amina, "hello?")


def test_the_supervisors_overview(runtime: Runtime, portal: BlockingPortal, clock: Clock) -> None:
    amina = add(runtime, "Amina")
    with runtime.db.session() as s:
        counsellors.set_duty(s, amina.id, True, clock.now)
    first = ticket_of(person(runtime, portal, "a").say("i want to kill myself"))
    clock.advance(minutes=10)
    person(runtime, portal, "b").say("i want a human counsellor")
    portal.call(desk(runtime).claim, first, amina)
    portal.call(desk(runtime).close, first, amina, "referral")
    clock.advance(minutes=1)
    overview = portal.call(desk(runtime).overview)
    assert overview.queued == {"critical": 0, "elevated": 0, "normal": 1}
    assert overview.longest_wait == timedelta(minutes=1)
    assert [o.name for o in overview.online] == []  # on duty, but not seen for 11 minutes
    assert overview.outcomes == {"information": 0, "referral": 1, "follow_up": 0}
    assert overview.served_fast["critical"] == (0, 1)  # taken after 10 minutes: too slow


def test_chat_jsonl_shows_the_ticket_and_the_state_through_a_counsellors_work(
    runtime: Runtime, portal: BlockingPortal
) -> None:
    def chat(*lines: dict[str, str]) -> list[dict[str, object]]:
        out = io.StringIO()
        portal.call(
            _chat_jsonl,
            runtime,
            io.StringIO("".join(json.dumps(x) + "\n" for x in lines)),
            out,
            "webchat",
        )
        return [json.loads(line) for line in out.getvalue().splitlines()]

    [first] = chat({"contact": "c1", "text": "i want to kill myself"})
    assert first["state"] == "queued"
    assert first["ticket"] == {
        "id": first["ticket"]["id"],
        "priority": "critical",  # type: ignore[index]
        "reason": "critical_risk",
    }
    amina = add(runtime, "Amina")
    portal.call(desk(runtime).claim, first["ticket"]["id"], amina)  # type: ignore[index]
    [during] = chat({"contact": "c1", "text": "thank you"})
    assert during["state"] == "with_counsellor" and during["replies"] == []
    portal.call(desk(runtime).close, first["ticket"]["id"], amina, "information")  # type: ignore[index]
    [after] = chat({"contact": "c1", "text": "i need a lawyer"})
    assert after["state"] == "bot" and after["ticket"] is None


def test_claims_are_atomic_on_sqlite_too(runtime: Runtime, portal: BlockingPortal) -> None:
    """Many counsellors clicking at once on one worker: exactly one gets it."""
    team = [add(runtime, f"C{i}") for i in range(5)]
    ticket = ticket_of(person(runtime, portal, "p").say("i want a human counsellor"))
    the_desk = desk(runtime)

    async def everyone() -> list[object]:
        return await asyncio.gather(
            *(the_desk.claim(ticket, who) for who in team), return_exceptions=True
        )

    results = portal.call(everyone)
    assert sum(r is None for r in results) == 1
    assert all(isinstance(r, EscalationError) for r in results if r is not None)
    assert outbox_texts(runtime).count(JOINED.source) == 1  # the person is told once
    with runtime.db.session() as s:
        assert s.get(Ticket, ticket).status == "claimed"  # type: ignore[union-attr]


def test_passwords_are_hashed_with_argon2id_and_never_stored_in_clear(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.undo()  # the production parameters
    with runtime.db.session() as s:
        stored = counsellors.add(s, "Amina", ["fr"], "counsellor", PASSWORD).password_hash
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$") and PASSWORD not in stored
    with runtime.db.session() as s:
        assert counsellors.authenticate(s, "Amina", PASSWORD) is not None
        assert counsellors.authenticate(s, "Amina", PASSWORD + " ") is None
        assert counsellors.authenticate(s, "Nobody", PASSWORD) is None
    with (
        pytest.raises(counsellors.CounsellorError, match="at least 10 characters"),
        runtime.db.session() as s,
    ):
        counsellors.add(s, "Omar", ["ar"], "counsellor", "short")


def test_a_telegram_voice_note_is_shown_but_not_offered_for_playback(
    runtime: Runtime, portal: BlockingPortal
) -> None:
    amina = add(runtime, "Amina")
    bot = person(runtime, portal, "42", channel="telegram")
    bot.say("i want a human counsellor")
    said = bot.say(media=(Media("voice", "AwACAgQAAxkBAAIBZ2", "audio/ogg"),))
    case = portal.call(desk(runtime).case, ticket_of(said), amina)
    [attachment] = [a for line in case.lines for a in line.attachments]
    assert (attachment.kind, attachment.fetchable) == ("voice", False)  # a file id, not a URL
