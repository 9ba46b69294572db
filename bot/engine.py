"""The conversation engine: one `Inbound` in, the replies out, whatever the channel.

Per message, in this order: dedupe (channel + provider id), lock the contact, load the
conversation, understand (NLU), screen for danger (safety), then either run the dialogue or — when
a counsellor has the conversation — pass the message to the console. Effects (tickets, language,
erasure) are carried out here and nowhere else.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import anyio
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot import dialogue as dlg
from bot import metrics
from bot.checkins import OPEN as OPEN_CHECKIN
from bot.checkins import Checkins, Done
from bot.content import Content
from bot.crypto import Vault
from bot.domain import MAX_TEXT, Answer, Inbound, Reply, Text
from bot.escalation import TicketInfo, info, open_ticket, open_ticket_of, queue_position
from bot.hours import OpeningHours
from bot.i18n import Language
from bot.outbox import Outbox
from bot.render import Renderer
from bot.state import StateStore
from bot.storage import CheckIn, Contact, Conversation, Database, Message, Ticket, utcnow
from bot.types import Priority
from nlu.types import Parse

SAFETY_ANSWER = dlg.SAFETY_ANSWER
EMERGENCY_ANSWER = dlg.EMERGENCY_ANSWER
# A first message with one of these gets the welcome and the menu rather than an answer.
OPENERS = ("greet", "help_menu", "out_of_scope", "affirm", "deny", "thanks")
# Intents that leave a check-in waiting for answers (it stays open for later).
CHECKIN_EXITS = (
    "help_menu",
    "talk_to_human",
    "change_language",
    "delete_my_data",
    "checkin_unsubscribe",
)
WAITING_TOLD = "_waiting_told"  # slot: when the person last heard they are in the queue
REMIND_WAITING = timedelta(minutes=10)
DETOUR = "_detour"  # slot: "<check-in id>|<when>" while a command interrupts a check-in
# While a counsellor has the conversation, the bot only answers these.
COMMANDS_WHILE_HUMAN = ("help_menu", "delete_my_data", "checkin_unsubscribe")

QUEUED = Text(
    "escalation.queued",
    "A counsellor will answer you here as soon as possible. You are number {position} in the "
    "queue.",
)
CLOSED_NOW = Text(
    "escalation.closed",
    "Our counsellors are not here right now. They will read your message when they are back: "
    "{next}.",
)
VOICEMAIL_THANKS = Text(
    "escalation.voicemail",
    "Thank you. Your message is recorded and a counsellor will call you back.",
)
# A voice note or photo without words: kept for the counsellors, and said so.
MEDIA_RECEIVED = Text(
    "engine.media_received",
    "Thank you, I have received it. I can only read written messages: please write your "
    "question, or ask for a counsellor, who will see what you sent.",
)

_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2066-\u2069\ufffd]"
)


def clean(text: str) -> str:
    """Strip control characters and invalid bytes; keep the first 4,096 characters."""
    text = unicodedata.normalize("NFC", text or "")
    return _CONTROL.sub("", text).strip()[:MAX_TEXT]


@dataclass(frozen=True)
class ConsoleEvent:
    """Published for the counsellors' console: ids and labels only, never content."""

    kind: str  # "ticket" | "message" | "alert"
    ticket_id: int | None = None
    conversation_id: int | None = None
    priority: str | None = None
    language: str | None = None

    def to_json(self) -> str:
        return json.dumps({k: v for k, v in self.__dict__.items() if v is not None})


@dataclass(frozen=True)
class TurnResult:
    contact: str  # pseudonym
    language: str
    parse: Parse | None
    replies: tuple[Reply, ...]
    state: str
    ticket: TicketInfo | None
    duplicate: bool = False
    erased: bool = False
    conversation_id: int | None = None
    events: tuple[ConsoleEvent, ...] = field(default=(), repr=False)


class Engine:
    def __init__(
        self,
        content: Content,
        db: Database,
        store: StateStore,
        vault: Vault,
        parse: Callable[[str], Parse],
        normalise: Callable[[str], str],
        hours: OpeningHours,
        clock: Callable[[], datetime] = utcnow,
        default_language: str = "fr",
        outbox: Outbox | None = None,
        checkins: Checkins | None = None,
    ) -> None:
        self.content, self.db, self.store, self.vault = content, db, store, vault
        self.outbox, self.checkins = outbox, checkins
        self.parse, self.hours, self.clock = parse, hours, clock
        self.renderer = Renderer(content.catalogs, content.knowledge, content.directory)
        self.default_language = default_language
        languages = content.catalogs.languages
        self.dialogue = dlg.Dialogue(
            flows=content.flows,
            languages={code: lang.name for code, lang in languages.items()},
            label_of=lambda code, text: self.renderer.text(text, code),
            language_names=_language_names(languages, normalise),
            normalise=normalise,
        )

    def contact_key(self, channel: str, sender: str) -> str:
        return self.vault.pseudonym(channel, sender)

    async def handle(self, inbound: Inbound, *, deliver: bool = False) -> TurnResult:
        """Process one message; messages of one contact are processed one at a time, in order.

        `deliver`: queue the replies in the outbox (same transaction) for the channel's adapter
        to send, instead of only returning them (the web chat answers inline)."""
        key = self.contact_key(inbound.channel, inbound.sender)
        with metrics.TURN_SECONDS.time():
            async with self.store.lock("contact:" + key):
                result = await anyio.to_thread.run_sync(self._turn, inbound, key, deliver)
        if result.erased:
            await anyio.to_thread.run_sync(self.db.scrub)
        if deliver and result.replies and self.outbox is not None:
            self.outbox.wake()
        if result.duplicate:
            metrics.DUPLICATES.labels(inbound.channel).inc()
            return result
        metrics.MESSAGES.labels(inbound.channel).inc()
        if result.parse is not None:
            metrics.RISK.labels(result.parse.risk).inc()
        for event in result.events:
            if event.kind == "ticket" and event.priority:
                metrics.TICKETS.labels(event.priority).inc()
            await self.store.publish("console", event.to_json())
        return result

    # --- one turn, in a worker thread ---------------------------------------------------------

    def _turn(self, inbound: Inbound, key: str, deliver: bool = False) -> TurnResult:
        now = self.clock()
        with self.db.session() as session:
            if inbound.provider_id and session.scalar(
                select(Message.id).where(
                    Message.channel == inbound.channel, Message.provider_id == inbound.provider_id
                )
            ):
                return self._duplicate(session, key)
            contact, first_contact = self._contact(session, inbound, key, now)
            conversation = self._conversation(session, contact, now)
            turn = _Turn(self, session, contact, conversation, inbound, now, first_contact)
            result = turn.run()
            if deliver and not result.erased and self.outbox is not None:
                self.outbox.enqueue(session, contact, result.replies, result.language)
            return result

    def _duplicate(self, session: Session, key: str) -> TurnResult:
        contact = session.scalar(select(Contact).where(Contact.key == key))
        language = (contact.language if contact else None) or self.default_language
        return TurnResult(key, language, None, (), "bot", None, duplicate=True)

    def _contact(
        self, session: Session, inbound: Inbound, key: str, now: datetime
    ) -> tuple[Contact, bool]:
        contact = session.scalar(select(Contact).where(Contact.key == key))
        if contact is not None:
            contact.last_inbound_at = now
            return contact, False
        contact = Contact(
            key=key,
            channel=inbound.channel,
            address=self.vault.encrypt(inbound.sender),
            created_at=now,
            last_inbound_at=now,
        )
        session.add(contact)
        session.flush()
        return contact, True

    def _conversation(self, session: Session, contact: Contact, now: datetime) -> Conversation:
        conversation = session.scalar(
            select(Conversation)
            .where(Conversation.contact_id == contact.id, Conversation.state != "closed")
            .order_by(Conversation.id.desc())
            .limit(1)
        )
        if conversation is None:
            conversation = Conversation(
                contact_id=contact.id, state="bot", started_at=now, updated_at=now
            )
            session.add(conversation)
            session.flush()
        return conversation

    def erase_contact(self, session: Session, contact: Contact) -> None:
        """Delete everything kept about a person: contact, conversations, messages, tickets."""
        session.execute(delete(Contact).where(Contact.id == contact.id))


class _Turn:
    """The work of one message: a small object so each step reads as one method."""

    def __init__(
        self,
        engine: Engine,
        session: Session,
        contact: Contact,
        conversation: Conversation,
        inbound: Inbound,
        now: datetime,
        first_contact: bool,
    ) -> None:
        self.e, self.s, self.contact, self.conv = engine, session, contact, conversation
        self.inbound, self.now, self.first_contact = inbound, now, first_contact
        self.text = clean(inbound.text)
        self.replies: list[Reply] = []
        self.events: list[ConsoleEvent] = []
        self.ticket: TicketInfo | None = None
        self.erased = False
        self.inbound_row: Message | None = None
        slots = (
            json.loads(engine.vault.decrypt(conversation.slots) or "{}")
            if conversation.slots
            else {}
        )
        self.state = dlg.State(conversation.node, slots, conversation.misses, self._test)

    @property
    def language(self) -> str | None:
        return self.contact.language

    def _test(self, condition: str) -> bool:
        """The flows' `if:` conditions, for this person."""
        if condition == "checkin_subscribed" and self.e.checkins is not None:
            plan = self.e.checkins.plan_of(self.s, self.contact)
            return plan is not None and plan.status in ("active", "paused")
        return False

    def run(self) -> TurnResult:
        parse = self.e.parse(self.text) if self.text else None
        if self.inbound.intent is not None:
            parse = self._known_intent(parse, self.inbound.intent)
        if (
            parse is not None
            and parse.language_sure
            and parse.language in self.e.content.catalogs.languages
        ):
            self.contact.language = parse.language
        self._record_inbound(parse)
        city = parse.city() if parse is not None else None
        if city is not None:  # answers about services then name what exists in that region
            self.state.slots["city"] = city.value
            if city.region:
                self.state.slots["region"] = city.region

        if parse is not None and parse.risk == "critical":
            self._critical()
        elif any(m.kind == "recording" for m in self.inbound.media):
            self._voicemail()
        elif self.conv.state in ("queued", "with_counsellor"):
            self._while_human(parse)
        else:
            answered_checkin = self._with_bot(parse)
            # In a check-in, distress is flagged and the check-in's end offers a counsellor.
            if (
                parse is not None
                and parse.risk == "elevated"
                and self.conv.state == "bot"
                and not answered_checkin
            ):
                self._offer_counsellor()

        if not self.erased:
            self._record_outbound()
            self.conv.node = self.state.node
            self.conv.misses = self.state.misses
            self.conv.slots = (
                self.e.vault.encrypt(json.dumps(self.state.slots)) if self.state.slots else None
            )
            self.conv.updated_at = self.now
        if self.ticket is None and not self.erased:
            open_one = open_ticket_of(self.s, self.conv)
            self.ticket = info(open_one) if open_one else None
        return TurnResult(
            contact=self.contact.key,
            language=self.language or self.e.default_language,
            parse=parse,
            replies=tuple(self.replies),
            state="closed" if self.erased else self.conv.state,
            ticket=self.ticket,
            erased=self.erased,
            conversation_id=None if self.erased else self.conv.id,
            events=tuple(self.events),
        )

    def _known_intent(self, parse: Parse | None, intent: str) -> Parse:
        """The channel already knows what the person wants (a /command, "0" on the phone)."""
        if parse is None:
            language = self.language or self.e.default_language
            return Parse(self.text, language, 0.0, intent, 1.0, understood=True)  # type: ignore[arg-type]
        return replace(parse, intent=intent, confidence=1.0, understood=True)

    # --- routes -------------------------------------------------------------------------------

    def _with_bot(self, parse: Parse | None) -> bool:
        """The bot answers; True when the message was the answer to a check-in."""
        # A /command or a key the channel already understood is not an empty message.
        if not self.text and self.inbound.option is None and self.inbound.intent is None:
            if self.inbound.media:
                self.replies.append(Reply(MEDIA_RECEIVED, every_language=self.language is None))
            else:
                self._say_without_moving(dlg.EMPTY)
            return False
        # A language pressed before anything else (the phone line's first menu): no need to ask.
        chosen = self.e.dialogue.language_of_option(self.inbound.option)
        chose_language = chosen is not None
        if self.language is None and not chose_language:
            if not self.conv.language_asked:
                self._ask_language(parse)
                return False
            # Asked once already: go on in the best guess rather than ask again.
            guess = parse.language if parse is not None else None
            if guess in self.e.content.catalogs.languages:
                self.contact.language = guess
        language = self.language or self.e.default_language
        checkins = self.e.checkins
        # Looked up once a turn: the per-message path should not ask the database three times.
        checkin = checkins.open_checkin(self.s, self.contact) if checkins is not None else None
        if checkin is not None and checkins is not None:
            if self._present_pending_checkin(checkins, checkin, parse, chosen):
                return True
            if self._checkin_answer(checkins, checkin, parse, language):
                return True
        turn = dlg.Turn(self.text, self.inbound.option, parse, language)
        if self.first_contact and not chose_language:
            self._run(self.e.dialogue.goto(dlg.WELCOME, self.state, language))
            if (
                parse is None
                or not parse.understood
                or parse.intent in OPENERS
                or parse.intent not in self.e.content.flows.by_intent
            ):
                self._run(self.e.dialogue.goto(dlg.MENU, self.state, language))
                return False
        self._run(self.e.dialogue.step(self.state, turn))
        if not self.erased and checkin is not None and checkins is not None:
            self._back_to_checkin(checkins, checkin)
        return False

    def _present_pending_checkin(
        self, checkins: Checkins, checkin: CheckIn, parse: Parse | None, chosen_language: str | None
    ) -> bool:
        """A check-in due for someone reached only by phone is asked when they call (keypad)."""
        if checkin.sent_at is not None:
            return False
        if parse is not None and parse.understood and parse.intent in CHECKIN_EXITS:
            return False
        if chosen_language is not None:
            self.contact.language = chosen_language
        checkin.sent_at = self.now
        self.state.node = None
        self.replies.extend(checkins.opening(self.s, checkin))
        return True

    def _checkin_answer(
        self, checkins: Checkins, checkin: CheckIn, parse: Parse | None, language: str
    ) -> bool:
        """A message while a check-in waits for answers is an answer — unless it is a command
        (stop, menu, delete, a counsellor): then the person takes a detour through the flows, and
        the check-in's question comes back when the detour ends (or with the reminder)."""
        option = self.inbound.option
        detour = self.state.slots.get(DETOUR, "")
        reminded_since = (
            checkin.reminded_at is not None
            and detour.split("|")[-1] < checkin.reminded_at.isoformat()
        )
        if option is not None and not option.startswith("checkin."):
            self.state.slots[DETOUR] = f"{checkin.id}|{self.now.isoformat()}"
            return False
        if (
            option is None
            and detour.startswith(f"{checkin.id}|")
            and self.state.node
            and not reminded_since
        ):
            return False  # answering a question of the detour
        if (
            option is None
            and parse is not None
            and parse.understood
            and parse.intent in CHECKIN_EXITS
        ):
            self.state.slots[DETOUR] = f"{checkin.id}|{self.now.isoformat()}"
            return False
        self.state.slots.pop(DETOUR, None)
        risky = parse is not None and parse.risk != "none"
        if self.inbound_row is not None:
            # The answer lives with the check-in (and its retention), not in the history.
            self.inbound_row.body, self.inbound_row.media_type = None, "checkin_answer"
        self._done(
            checkins.answer(
                self.s,
                checkin,
                self.text,
                option,
                language,
                risky,
                self.state.slots,
                self.e.vault,
                self.now,
            )
        )
        return True

    def _back_to_checkin(self, checkins: Checkins, checkin: CheckIn) -> None:
        """A detour during a check-in has ended: ask the check-in's question again (unless the
        detour was to stop check-ins)."""
        if DETOUR not in self.state.slots or self.state.node is not None:
            return
        self.state.slots.pop(DETOUR)
        if checkin.status in OPEN_CHECKIN:
            self.replies.extend(checkins.current_question(self.s, checkin))

    def _done(self, done: Done) -> None:
        """Carry out what a check-in action or answer decided."""
        self.replies.extend(done.replies)
        if done.critical:
            self._critical()
        elif done.goto:
            self._run(self.e.dialogue.goto(done.goto, self.state, self.language))

    def _ask_language(self, parse: Parse | None) -> None:
        """The language is unclear from the first message: ask once, keep the question."""
        self.conv.language_asked = True
        if parse is not None and parse.understood and parse.intent not in OPENERS:
            self.state.slots[dlg.PENDING] = parse.intent
        self._run(self.e.dialogue.goto(dlg.LANGUAGE, self.state, None))

    def _while_human(self, parse: Parse | None) -> None:
        """A counsellor has (or will have) the conversation: the bot answers commands only —
        and the answer to a question it asked because of one (e.g. "erase everything?")."""
        ticket = open_ticket_of(self.s, self.conv)
        self.events.append(ConsoleEvent("message", ticket.id if ticket else None, self.conv.id))
        command = parse is not None and parse.understood and parse.intent in COMMANDS_WHILE_HUMAN
        if command or self.inbound.option is not None or self.state.node is not None:
            language = self.language or self.e.default_language
            turn = dlg.Turn(self.text, self.inbound.option, parse, language)
            self._run(self.e.dialogue.step(self.state, turn))
        elif self.conv.state == "queued" and ticket is not None and ticket.status == "queued":
            self._still_waiting(ticket)

    def _still_waiting(self, ticket: Ticket) -> None:
        """Someone waiting who writes again hears that they are still in the queue — at most
        every few minutes, so the bot does not talk over the wait."""
        told = self.state.slots.get(WAITING_TOLD)
        if told and self.now - datetime.fromisoformat(told) < REMIND_WAITING:
            return
        self.state.slots[WAITING_TOLD] = self.now.isoformat()
        if self.e.hours.is_open(self.now):
            self.replies.append(Reply(QUEUED.with_params(position=queue_position(self.s, ticket))))

    def _critical(self) -> None:
        """Danger now: safety reply at once, an urgent ticket, every counsellor alerted."""
        self.replies.append(Reply(Answer(SAFETY_ANSWER)))
        self._open_ticket("critical", "critical_risk", announce=False)
        checkin = self.e.checkins.open_checkin(self.s, self.contact) if self.e.checkins else None
        if checkin is not None:
            checkin.status, checkin.outcome, checkin.completed_at = (
                "completed",
                "critical",
                self.now,
            )
        self.events.append(
            ConsoleEvent(
                "alert",
                self.ticket.id if self.ticket else None,
                self.conv.id,
                "critical",
                self.language,
            )
        )

    def _voicemail(self) -> None:
        """A message left on the phone line: a callback ticket for the counsellors."""
        self._open_ticket("normal", "voicemail", announce=False)
        self.replies.append(Reply(VOICEMAIL_THANKS))

    def _offer_counsellor(self) -> None:
        if self.state.slots.get("_offered"):
            return
        self.state.slots["_offered"] = "1"
        self._run(self.e.dialogue.goto(dlg.OFFER_COUNSELLOR, self.state, self.language))

    # --- effects ------------------------------------------------------------------------------

    def _run(self, outcome: dlg.Outcome) -> None:
        self.replies.extend(outcome.replies)
        for effect in outcome.effects:
            if isinstance(effect, dlg.SetLanguage):
                self.contact.language = effect.code
            elif isinstance(effect, dlg.Handoff):
                self._open_ticket(effect.priority, effect.reason)  # type: ignore[arg-type]
            elif isinstance(effect, dlg.EndConversation):
                self.conv.state = "closed"
            elif isinstance(effect, dlg.RunAction):
                self._action(effect.name)

    def _action(self, name: str) -> None:
        if name == "delete_data":
            self.e.erase_contact(self.s, self.contact)
            self.erased = True
            return
        checkins = self.e.checkins
        if checkins is None:
            return
        session, contact = self.s, self.contact
        actions: dict[str, Callable[[], Done]] = {
            "checkin_subscribe": lambda: checkins.subscribe(
                session, contact, self.state.slots, self.now
            ),
            "checkin_pause": lambda: checkins.pause(session, contact),
            "checkin_resume": lambda: checkins.resume(session, contact, self.now),
            "checkin_stop": lambda: checkins.stop(session, contact),
        }
        self._done(actions[name]())

    def _say_without_moving(self, qid: str) -> None:
        """Say a system node's words while the conversation keeps waiting where it was."""
        keep = dlg.State(self.state.node, dict(self.state.slots), self.state.misses, self._test)
        self._run(self.e.dialogue.goto(qid, self.state, self.language))
        self.state = keep

    def _open_ticket(self, priority: Priority, reason: str, announce: bool = True) -> None:
        ticket, changed = open_ticket(
            self.s, self.conv, self.contact, priority, reason, self.language, self.now
        )
        self.ticket = info(ticket)
        self.state.node = None  # the bot's pending question is dropped: a person takes over
        self.state.slots[WAITING_TOLD] = self.now.isoformat()
        if changed:
            self.events.append(
                ConsoleEvent("ticket", ticket.id, self.conv.id, ticket.priority, ticket.language)
            )
        if self.e.hours.is_open(self.now):
            if announce and ticket.status == "queued":
                self.replies.append(
                    Reply(QUEUED.with_params(position=queue_position(self.s, ticket)))
                )
        else:
            opening = self.e.hours.next_opening(self.now)
            when = opening.astimezone(self.e.hours.zone) if opening else None
            self.replies.append(Reply(CLOSED_NOW.with_params(next=when or "—")))
            if priority != "critical":  # the safety reply already gave the numbers
                self.replies.append(Reply(Answer(EMERGENCY_ANSWER)))

    # --- records ------------------------------------------------------------------------------

    def _record_inbound(self, parse: Parse | None) -> None:
        media = self.inbound.media[0] if self.inbound.media else None
        body = self.text
        if media is not None:
            body = json.dumps(
                {"text": self.text, "media": [m.__dict__ for m in self.inbound.media]}
            )
        self.inbound_row = Message(
            conversation_id=self.conv.id,
            contact_id=self.contact.id,
            direction="in",
            channel=self.inbound.channel,
            provider_id=self.inbound.provider_id,
            body=self.e.vault.encrypt(body),
            language=parse.language if parse else None,
            intent=parse.intent if parse else None,
            risk=parse.risk if parse else None,
            media_type=media.kind if media else None,
            created_at=self.now,
        )
        self.s.add(self.inbound_row)

    def _record_outbound(self) -> None:
        language = self.language or self.e.default_language
        for reply in self.replies:
            rendered = self.e.renderer.render(reply, language)
            self.s.add(
                Message(
                    conversation_id=self.conv.id,
                    contact_id=self.contact.id,
                    direction="out",
                    channel=self.inbound.channel,
                    body=self.e.vault.encrypt(rendered.text),
                    language=language,
                    created_at=self.now,
                )
            )


def _language_names(
    languages: Mapping[str, Language], normalise: Callable[[str], str]
) -> dict[str, set[str]]:
    """What people type to pick a language: its code, its name in itself and in the others."""
    names: dict[str, set[str]] = {}
    for code, lang in languages.items():
        spelled = {code, lang.name} | {
            str(other.locale.languages.get(code, code)) for other in languages.values()
        }
        names[code] = {normalise(n) for n in spelled if n}
    return names
