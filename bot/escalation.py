"""Tickets and the counsellors' desk: opening tickets (the engine), the queue's order, and what a
counsellor does with a ticket — claim, reply, note, transfer, release, close with an outcome.

A claim is one conditional `UPDATE … WHERE status = 'queued'`: when two counsellors click at once
on two workers, the database lets exactly one row change and the other is told who was first.
Every action also runs under the person's lock (the one the engine takes for each message), so a
counsellor's action never interleaves with the person's own message.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar, cast

import anyio
from sqlalchemy import CursorResult, Result, and_, func, or_, select, update
from sqlalchemy.orm import Session

from bot.counsellors import Identity
from bot.domain import MAX_TEXT, Reply, Text, Verbatim
from bot.errors import SanadError
from bot.storage import (
    AuditEvent,
    CheckIn,
    CheckInAnswer,
    CheckInPlan,
    Contact,
    Conversation,
    Counsellor,
    Message,
    Ticket,
    utcnow,
)
from bot.types import Priority

if TYPE_CHECKING:
    from bot.crypto import Vault
    from bot.outbox import Outbox
    from bot.state import StateStore
    from bot.storage import Database

RANK: dict[str, int] = {"critical": 0, "elevated": 1, "normal": 2}
OPEN = ("queued", "claimed")
OUTCOMES = ("information", "referral", "follow_up")
ONLINE = timedelta(minutes=2)  # on duty and seen this recently: online
HISTORY_LIMIT = 300
CHECKIN_HISTORY = 12  # the last check-ins shown with the score trend
PHONE_CHANNELS = ("voice", "sms", "whatsapp")  # an address a counsellor can call back

# What the person is told, in their language, on their own channel.
JOINED = Text("escalation.joined", "A counsellor is with you now. You can write to them here.")
HANDED_BACK = Text(
    "escalation.handed_back",
    "The counsellor has closed this conversation. I am still here: write “menu” to see the "
    "topics, or “counsellor” to talk to someone again.",
)

# Why a counsellor's action was refused, in the console's language.
TAKEN = Text("console.refused.taken", "{name} took this conversation a moment before you.")
GONE = Text(
    "console.refused.gone",
    "This conversation does not exist any more: the person asked for their data to be erased.",
)
CLOSED = Text("console.refused.closed", "This conversation is closed: nothing was sent.")
NOT_YOURS = Text(
    "console.refused.not_yours",
    "{name} has this conversation: only they can write to the person. Nothing was sent.",
)
NOT_CLAIMED = Text(
    "console.refused.not_claimed", "Take this conversation first (“Take it”): nothing was sent."
)
NO_ACCESS = Text(
    "console.refused.no_access",
    "This conversation is with a colleague: ask a supervisor if you need it.",
)
CHANGED = Text(
    "console.refused.changed",
    "Someone changed this conversation meanwhile: look at it again, then retry.",
)
EMPTY = Text("console.refused.empty", "The message is empty: write something first.")
BAD_OUTCOME = Text(
    "console.refused.outcome", "Choose how the conversation ended before closing it."
)
BAD_COLLEAGUE = Text(
    "console.refused.colleague", "Choose an active colleague other than the one who has it now."
)
NO_PHONE = Text("console.refused.no_phone", "This person did not write from a phone number.")


class EscalationError(SanadError):
    """A counsellor's action that was refused; `reason` says why in words for the console."""

    def __init__(self, reason: Text) -> None:
        super().__init__(reason.source.format_map(_Keep(reason.params)))
        self.reason = reason


class _Keep(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _refuse(text: Text, **params: object) -> EscalationError:
    return EscalationError(text.with_params(**params))


# --- tickets, as the engine opens them --------------------------------------------------------


@dataclass(frozen=True)
class TicketInfo:
    """What a caller may know of a ticket: no content, no identity."""

    id: int
    priority: Priority
    reason: str
    status: str
    language: str | None

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "priority": self.priority, "reason": self.reason}


def info(ticket: Ticket) -> TicketInfo:
    return TicketInfo(ticket.id, ticket.priority, ticket.reason, ticket.status, ticket.language)  # type: ignore[arg-type]


def open_ticket(
    session: Session,
    conversation: Conversation,
    contact: Contact,
    priority: Priority,
    reason: str,
    language: str | None,
    now: datetime,
) -> tuple[Ticket, bool]:
    """Open a ticket, or raise the priority of the conversation's open one.

    Returns the ticket and whether the queue changed (new ticket or higher priority)."""
    if session.get_bind().dialect.name != "sqlite":
        # Serialise with anyone else opening a ticket for this conversation (the check-in
        # scheduler does not hold the person's lock): one open ticket per conversation.
        session.execute(
            select(Conversation.id).where(Conversation.id == conversation.id).with_for_update()
        )
    ticket = session.scalar(
        select(Ticket).where(Ticket.conversation_id == conversation.id, Ticket.status.in_(OPEN))
    )
    if ticket is not None:
        if RANK[priority] < ticket.priority_rank:
            ticket.priority, ticket.priority_rank, ticket.reason = priority, RANK[priority], reason
            return ticket, True
        return ticket, False
    ticket = Ticket(
        conversation_id=conversation.id,
        contact_id=contact.id,
        priority=priority,
        priority_rank=RANK[priority],
        status="queued",
        language=language,
        channel=contact.channel,
        reason=reason,
        created_at=now,
    )
    session.add(ticket)
    if conversation.state == "bot":
        conversation.state = "queued"
    session.flush()
    return ticket, True


def open_ticket_of(session: Session, conversation: Conversation) -> Ticket | None:
    return session.scalar(
        select(Ticket).where(Ticket.conversation_id == conversation.id, Ticket.status.in_(OPEN))
    )


def queue_position(session: Session, ticket: Ticket) -> int:
    """1 + the queued tickets served before this one (higher priority, or same and older)."""
    ahead = session.scalar(
        select(func.count(Ticket.id)).where(
            Ticket.status == "queued",
            Ticket.id != ticket.id,
            or_(
                Ticket.priority_rank < ticket.priority_rank,
                and_(
                    Ticket.priority_rank == ticket.priority_rank,
                    Ticket.created_at <= ticket.created_at,
                ),
            ),
        )
    )
    return int(ahead or 0) + 1


# --- the queue, as a counsellor sees it -------------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    id: int
    conversation_id: int
    priority: str
    language: str | None
    channel: str
    reason: str
    status: str
    created_at: datetime
    claimed_at: datetime | None
    counsellor_id: int | None
    counsellor: str | None  # the name of who has it
    outcome: str | None = None

    def waiting(self, now: datetime) -> timedelta:
        """How long the person has waited for a counsellor (until one took it)."""
        until = now if self.status == "queued" else (self.claimed_at or now)
        return until - self.created_at


@dataclass(frozen=True)
class Board:
    """The queue for one counsellor: theirs, then what waits (their languages first)."""

    mine: tuple[QueueItem, ...]
    queued: tuple[QueueItem, ...]  # in their languages (all of it for supervisors)
    other_languages: tuple[QueueItem, ...]
    colleagues: tuple[QueueItem, ...]  # claimed by others: supervisors only

    @property
    def waiting(self) -> int:
        return len(self.queued) + len(self.other_languages)


def _items(session: Session, *where: object, order: tuple[object, ...]) -> list[QueueItem]:
    rows = session.execute(
        select(Ticket, Counsellor.name)
        .outerjoin(Counsellor, Counsellor.id == Ticket.counsellor_id)
        .where(*where)  # type: ignore[arg-type]
        .order_by(*order)  # type: ignore[arg-type]
    ).all()
    return [_item(ticket, name) for ticket, name in rows]


def _item(ticket: Ticket, counsellor: str | None) -> QueueItem:
    return QueueItem(
        ticket.id,
        ticket.conversation_id,
        ticket.priority,
        ticket.language,
        ticket.channel,
        ticket.reason,
        ticket.status,
        ticket.created_at,
        ticket.claimed_at,
        ticket.counsellor_id,
        counsellor,
        ticket.outcome,
    )


QUEUE_ORDER = (Ticket.priority_rank, Ticket.created_at, Ticket.id)


def board(session: Session, viewer: Identity) -> Board:
    """Critical before elevated before normal, then the longest wait first."""
    queued = _items(session, Ticket.status == "queued", order=QUEUE_ORDER)
    mine = _items(
        session,
        Ticket.status == "claimed",
        Ticket.counsellor_id == viewer.id,
        order=(Ticket.priority_rank, Ticket.claimed_at, Ticket.id),
    )
    colleagues: list[QueueItem] = []
    if viewer.supervises:
        colleagues = _items(
            session,
            Ticket.status == "claimed",
            Ticket.counsellor_id != viewer.id,
            order=(Ticket.priority_rank, Ticket.claimed_at, Ticket.id),
        )
        return Board(tuple(mine), tuple(queued), (), tuple(colleagues))
    spoken = [t for t in queued if t.language is None or t.language in viewer.languages]
    others = [t for t in queued if not (t.language is None or t.language in viewer.languages)]
    return Board(tuple(mine), tuple(spoken), tuple(others), ())


def may_view(ticket: Ticket, viewer: Identity) -> bool:
    """Anyone may look at a waiting ticket before taking it; then who has it, and supervisors."""
    return viewer.supervises or ticket.status == "queued" or ticket.counsellor_id == viewer.id


# --- a conversation, as the console shows it --------------------------------------------------


@dataclass(frozen=True)
class Attachment:
    index: int
    kind: str  # "recording" | "voice" | "photo" | "document"
    mime: str | None
    fetchable: bool  # a URL the console can fetch (a Telegram file id is not)


@dataclass(frozen=True)
class Line:
    """One message of the history, decrypted for the console."""

    id: int
    conversation_id: int
    direction: str  # in | out | counsellor | note
    text: str
    at: datetime
    language: str | None
    risk: str | None
    counsellor: str | None
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class CheckInRow:
    """One check-in of the person, for the history and the score trend (no answer text)."""

    due_at: datetime
    status: str  # open | reminded | completed | missed | skipped
    score: int | None
    outcome: str | None  # fine | offer | critical
    flagged: int  # free-text answers the NLU found risky


@dataclass(frozen=True)
class CheckInHistory:
    questionnaire: str
    every_days: int
    plan_status: str  # active | paused | stopped
    rows: tuple[CheckInRow, ...]


@dataclass(frozen=True)
class Case:
    """A ticket with the person's whole history and what the viewer may do with it."""

    ticket: QueueItem
    contact_language: str | None
    contact_channel: str
    lines: tuple[Line, ...]
    viewer_has_it: bool
    can_manage: bool  # release, transfer, close
    can_reveal: bool
    earlier: int  # tickets of this person before this one
    checkins: CheckInHistory | None = None


def _checkins(session: Session, contact_id: int) -> CheckInHistory | None:
    plan = session.scalar(select(CheckInPlan).where(CheckInPlan.contact_id == contact_id))
    if plan is None:
        return None
    flagged = (
        select(func.count())
        .where(CheckInAnswer.checkin_id == CheckIn.id, CheckInAnswer.flagged.is_(True))
        .scalar_subquery()
    )
    rows = session.execute(
        select(CheckIn.due_at, CheckIn.status, CheckIn.score, CheckIn.outcome, flagged)
        .where(CheckIn.contact_id == contact_id)
        .order_by(CheckIn.due_at.desc())
        .limit(CHECKIN_HISTORY)
    ).all()
    return CheckInHistory(
        plan.questionnaire,
        plan.every_days,
        plan.status,
        tuple(CheckInRow(*row) for row in reversed(rows)),
    )


def _lines(session: Session, vault: Vault, contact_id: int) -> tuple[Line, ...]:
    rows = session.execute(
        select(Message, Counsellor.name)
        .outerjoin(Counsellor, Counsellor.id == Message.counsellor_id)
        .where(Message.contact_id == contact_id)
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    lines = []
    for message, name in reversed(rows):
        text, attachments = _body(vault.decrypt(message.body), message.media_type)
        lines.append(
            Line(
                message.id,
                message.conversation_id,
                message.direction,
                text,
                message.created_at,
                message.language,
                message.risk,
                name,
                attachments,
            )
        )
    return tuple(lines)


def _body(raw: str, media_type: str | None) -> tuple[str, tuple[Attachment, ...]]:
    """The engine stores a message with media as JSON: {"text": …, "media": [{kind, ref, mime}]}."""
    if media_type is None:
        return raw, ()
    try:
        data = json.loads(raw)
        media = data.get("media") or []
        return str(data.get("text") or ""), tuple(
            Attachment(
                i,
                str(m.get("kind")),
                m.get("mime"),
                str(m.get("ref", "")).startswith(("https://", "http://")),
            )
            for i, m in enumerate(media)
        )
    except (ValueError, AttributeError):
        return raw, ()


def media_ref(raw: str, index: int) -> tuple[str, str | None] | None:
    """The provider's reference (URL or file id) of a message's attachment, and its type."""
    try:
        media = json.loads(raw).get("media") or []
        item = media[index]
        return str(item["ref"]), item.get("mime")
    except (ValueError, AttributeError, IndexError, KeyError, TypeError):
        return None


def claim(session: Session, ticket_id: int, who: Identity, now: datetime) -> bool:
    """Take a waiting ticket with one conditional UPDATE: of simultaneous claims, on any number
    of workers, the database lets exactly one change the row. True when this call took it, False
    when it was `who`'s already (a double click); otherwise the refusal names who was first."""
    changed = _rows(
        session.execute(
            update(Ticket)
            .where(Ticket.id == ticket_id, Ticket.status == "queued")
            .values(status="claimed", counsellor_id=who.id, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
    )
    ticket = session.get(Ticket, ticket_id, populate_existing=True)
    if ticket is None:
        raise _refuse(GONE)
    if changed == 1:
        return True
    if ticket.status == "claimed" and ticket.counsellor_id == who.id:
        return False
    raise refusal(session, ticket)


def _rows(result: Result[Any]) -> int:
    """How many rows an UPDATE changed (SQLAlchemy types `execute` as a plain Result)."""
    return int(cast(CursorResult[Any], result).rowcount)


def refusal(session: Session, ticket: Ticket, replying: bool = False) -> EscalationError:
    """Why an action on this ticket cannot be done by someone who does not have it."""
    if ticket.status == "closed":
        return _refuse(CLOSED)
    if ticket.status == "queued":
        return _refuse(NOT_CLAIMED)
    name = session.scalar(select(Counsellor.name).where(Counsellor.id == ticket.counsellor_id))
    return _refuse(NOT_YOURS if replying else TAKEN, name=name or "?")


def _audit(session: Session, who: Identity, action: str, subject: str, now: datetime) -> None:
    session.add(AuditEvent(at=now, actor=who.actor, action=action, subject=subject[:80]))


# --- the supervisor's view --------------------------------------------------------------------


@dataclass(frozen=True)
class Online:
    id: int
    name: str
    role: str
    languages: str
    claimed: int


@dataclass(frozen=True)
class Overview:
    queued: dict[str, int]  # by priority
    longest_wait: timedelta | None
    in_progress: int
    online: tuple[Online, ...]
    outcomes: dict[str, int]  # closed in the last 30 days, by outcome
    served_fast: dict[str, tuple[int, int]]  # by priority, last 7 days: (taken in 5 min, taken)

    @property
    def queue_length(self) -> int:
        return sum(self.queued.values())


FAST = timedelta(minutes=5)


def overview(session: Session, now: datetime) -> Overview:
    queued = dict.fromkeys(RANK, 0)
    for priority, n in session.execute(
        select(Ticket.priority, func.count())
        .where(Ticket.status == "queued")
        .group_by(Ticket.priority)
    ):
        queued[priority] = int(n)
    oldest = session.scalar(select(func.min(Ticket.created_at)).where(Ticket.status == "queued"))
    in_progress = int(session.scalar(select(func.count()).where(Ticket.status == "claimed")) or 0)
    claimed: dict[int | None, int] = {
        counsellor: int(n)
        for counsellor, n in session.execute(
            select(Ticket.counsellor_id, func.count())
            .where(Ticket.status == "claimed")
            .group_by(Ticket.counsellor_id)
        )
    }
    online = tuple(
        Online(c.id, c.name, c.role, c.languages, int(claimed.get(c.id, 0)))
        for c in session.scalars(
            select(Counsellor)
            .where(
                Counsellor.active.is_(True),
                Counsellor.on_duty.is_(True),
                Counsellor.last_seen_at >= now - ONLINE,
            )
            .order_by(Counsellor.name)
        )
    )
    outcomes = dict.fromkeys(OUTCOMES, 0)
    for outcome, n in session.execute(
        select(Ticket.outcome, func.count())
        .where(Ticket.status == "closed", Ticket.closed_at >= now - timedelta(days=30))
        .group_by(Ticket.outcome)
    ):
        outcomes[outcome or "information"] = outcomes.get(outcome or "information", 0) + int(n)
    served = {p: [0, 0] for p in RANK}
    for priority, created, taken in session.execute(
        select(Ticket.priority, Ticket.created_at, Ticket.claimed_at).where(
            Ticket.claimed_at.is_not(None), Ticket.created_at >= now - timedelta(days=7)
        )
    ):
        served[priority][1] += 1
        served[priority][0] += int(taken - created <= FAST)
    return Overview(
        queued,
        (now - oldest) if oldest else None,
        in_progress,
        online,
        outcomes,
        {p: (fast, total) for p, (fast, total) in served.items()},
    )


# --- the desk: what counsellors do ------------------------------------------------------------

T = TypeVar("T")


@dataclass
class _Done:
    """What an action leaves to do after its transaction: tell the console, wake the outbox."""

    kind: str
    ticket: Ticket
    queued: bool = False
    counsellor_id: int | None = None
    extra: dict[str, object] = field(default_factory=dict)

    def event(self) -> str:
        # The shape of `bot.engine.ConsoleEvent` (ids and labels only), plus who it concerns.
        data = {
            "kind": self.kind,
            "ticket_id": self.ticket.id,
            "conversation_id": self.ticket.conversation_id,
            "priority": self.ticket.priority,
            "language": self.ticket.language,
            "counsellor_id": self.counsellor_id,
        }
        return json.dumps({k: v for k, v in data.items() if v is not None})


Work = Callable[[Session, Ticket, Conversation, Contact], "_Done | None"]


class Desk:
    """The counsellors' actions on tickets, for the console (and any other front end)."""

    def __init__(
        self,
        db: Database,
        store: StateStore,
        vault: Vault,
        outbox: Outbox,
        clock: Callable[[], datetime] = utcnow,
        default_language: str = "fr",
    ) -> None:
        self.db, self.store, self.vault, self.outbox = db, store, vault, outbox
        self.clock, self.default_language = clock, default_language

    # --- reading --------------------------------------------------------------------------

    async def board(self, who: Identity) -> Board:
        return await self._read(lambda s: board(s, who))

    async def overview(self) -> Overview:
        return await self._read(lambda s: overview(s, self.clock()))

    async def case(self, ticket_id: int, who: Identity, *, audit: bool = True) -> Case:
        """The ticket and the person's history; opening it is an audit event (no content)."""
        return await anyio.to_thread.run_sync(self._case, ticket_id, who, audit)

    def _case(self, ticket_id: int, who: Identity, audit: bool) -> Case:
        with self.db.session() as s:
            ticket = s.get(Ticket, ticket_id)
            if ticket is None:
                raise _refuse(GONE)
            if not may_view(ticket, who):
                raise _refuse(NO_ACCESS)
            contact = s.get(Contact, ticket.contact_id)
            name = (
                s.scalar(select(Counsellor.name).where(Counsellor.id == ticket.counsellor_id))
                if ticket.counsellor_id
                else None
            )
            earlier = (
                s.scalar(
                    select(func.count()).where(
                        Ticket.contact_id == ticket.contact_id, Ticket.id < ticket.id
                    )
                )
                or 0
            )
            if audit:
                _audit(
                    s,
                    who,
                    "open_conversation",
                    f"conversation:{ticket.conversation_id}",
                    self.clock(),
                )
            has_it = ticket.status == "claimed" and ticket.counsellor_id == who.id
            return Case(
                ticket=_item(ticket, name),
                contact_language=contact.language if contact else None,
                contact_channel=contact.channel if contact else ticket.channel,
                lines=_lines(s, self.vault, ticket.contact_id),
                viewer_has_it=has_it,
                can_manage=ticket.status == "claimed" and (has_it or who.supervises),
                can_reveal=ticket.channel in PHONE_CHANNELS and (has_it or who.supervises),
                earlier=int(earlier),
                checkins=_checkins(s, ticket.contact_id),
            )

    async def attachment(
        self, message_id: int, index: int, who: Identity
    ) -> tuple[str, str | None]:
        """The provider reference of a recording or voice note, for the console to play it."""
        return await anyio.to_thread.run_sync(self._attachment, message_id, index, who)

    def _attachment(self, message_id: int, index: int, who: Identity) -> tuple[str, str | None]:
        with self.db.session() as s:
            message = s.get(Message, message_id)
            if message is None:
                raise _refuse(GONE)
            tickets = s.scalars(select(Ticket).where(Ticket.contact_id == message.contact_id)).all()
            if not any(may_view(t, who) for t in tickets):
                raise _refuse(NO_ACCESS)
            found = media_ref(self.vault.decrypt(message.body), index)
            if found is None:
                raise _refuse(GONE)
            _audit(s, who, "play_attachment", f"message:{message_id}", self.clock())
            return found

    async def reveal(self, ticket_id: int, who: Identity) -> str:
        """The person's phone number, to call them back (a voicemail); an audit event."""
        return await anyio.to_thread.run_sync(self._reveal, ticket_id, who)

    def _reveal(self, ticket_id: int, who: Identity) -> str:
        with self.db.session() as s:
            ticket = s.get(Ticket, ticket_id)
            if ticket is None:
                raise _refuse(GONE)
            if ticket.channel not in PHONE_CHANNELS:
                raise _refuse(NO_PHONE)
            has_it = ticket.status == "claimed" and ticket.counsellor_id == who.id
            if not (who.supervises or has_it):
                raise _refuse(NOT_CLAIMED if ticket.status == "queued" else NO_ACCESS)
            contact = s.get(Contact, ticket.contact_id)
            _audit(s, who, "reveal_address", f"contact:{ticket.contact_id}", self.clock())
            address = self.vault.decrypt(contact.address) if contact else ""
            return address.removeprefix("whatsapp:")

    # --- acting ---------------------------------------------------------------------------

    async def claim(self, ticket_id: int, who: Identity) -> None:
        """Take a waiting ticket. Exactly one of several simultaneous claims succeeds."""
        await self._act(ticket_id, lambda s, t, c, p: self._claim(s, t, c, p, who))

    async def release(self, ticket_id: int, who: Identity) -> None:
        """Put a ticket back in the queue, at its place (its waiting time counts from the start)."""
        await self._act(ticket_id, lambda s, t, c, p: self._release(s, t, c, who))

    async def transfer(self, ticket_id: int, who: Identity, to: int) -> None:
        await self._act(ticket_id, lambda s, t, c, p: self._transfer(s, t, who, to))

    async def close(self, ticket_id: int, who: Identity, outcome: str) -> None:
        """Close with an outcome; the conversation goes back to the bot and the person is told."""
        if outcome not in OUTCOMES:
            raise _refuse(BAD_OUTCOME)
        await self._act(ticket_id, lambda s, t, c, p: self._close(s, t, c, p, who, outcome))

    async def reply(self, ticket_id: int, who: Identity, text: str) -> None:
        """Send a message to the person on their own channel, through the outbox."""
        text = _clean(text)
        if not text:
            raise _refuse(EMPTY)
        await self._act(ticket_id, lambda s, t, c, p: self._reply(s, t, c, p, who, text))

    async def note(self, ticket_id: int, who: Identity, text: str) -> None:
        """An internal note: kept with the conversation, never sent to the person."""
        text = _clean(text)
        if not text:
            raise _refuse(EMPTY)
        await self._act(ticket_id, lambda s, t, c, p: self._note(s, t, c, who, text))

    # --- the transactions, in a worker thread ---------------------------------------------

    def _claim(
        self, s: Session, ticket: Ticket, conv: Conversation, contact: Contact, who: Identity
    ) -> _Done | None:
        now = self.clock()
        if not claim(s, ticket.id, who, now):
            return None  # a double click: it is theirs already
        conv.state, conv.node, conv.misses = "with_counsellor", None, 0
        self._tell(s, contact, conv, ticket, JOINED)
        _audit(s, who, "claim", f"ticket:{ticket.id}", now)
        return _Done("claimed", ticket, queued=True, counsellor_id=who.id)

    def _release(self, s: Session, ticket: Ticket, conv: Conversation, who: Identity) -> _Done:
        holder = self._managed(s, ticket, who)
        self._conditional(s, ticket, holder, status="queued", counsellor_id=None, claimed_at=None)
        conv.state = "queued"
        _audit(s, who, "release", f"ticket:{ticket.id}", self.clock())
        return _Done("released", ticket)

    def _transfer(self, s: Session, ticket: Ticket, who: Identity, to: int) -> _Done:
        holder = self._managed(s, ticket, who)
        colleague = s.get(Counsellor, to)
        if colleague is None or not colleague.active or colleague.id == holder:
            raise _refuse(BAD_COLLEAGUE)
        self._conditional(s, ticket, holder, counsellor_id=to)
        _audit(s, who, "transfer", f"ticket:{ticket.id}>counsellor:{to}", self.clock())
        return _Done("transferred", ticket, counsellor_id=to)

    def _close(
        self,
        s: Session,
        ticket: Ticket,
        conv: Conversation,
        contact: Contact,
        who: Identity,
        outcome: str,
    ) -> _Done:
        holder = self._managed(s, ticket, who)
        now = self.clock()
        self._conditional(s, ticket, holder, status="closed", outcome=outcome, closed_at=now)
        conv.state, conv.node, conv.misses = "bot", None, 0
        self._tell(s, contact, conv, ticket, HANDED_BACK)
        _audit(s, who, "close", f"ticket:{ticket.id}:{outcome}", now)
        return _Done("closed", ticket, queued=True)

    def _reply(
        self,
        s: Session,
        ticket: Ticket,
        conv: Conversation,
        contact: Contact,
        who: Identity,
        text: str,
    ) -> _Done:
        if ticket.status != "claimed" or ticket.counsellor_id != who.id:
            raise refusal(s, ticket, replying=True)
        language = self._language(contact, ticket)
        s.add(
            Message(
                conversation_id=conv.id,
                contact_id=contact.id,
                direction="counsellor",
                channel=contact.channel,
                body=self.vault.encrypt(text),
                language=language,
                counsellor_id=who.id,
                created_at=self.clock(),
            )
        )
        self.outbox.enqueue(s, contact, [Reply(Verbatim(text))], language, proactive=True)
        return _Done("reply", ticket, queued=True, counsellor_id=who.id)

    def _note(
        self, s: Session, ticket: Ticket, conv: Conversation, who: Identity, text: str
    ) -> _Done:
        if not may_view(ticket, who):
            raise _refuse(NO_ACCESS)
        s.add(
            Message(
                conversation_id=conv.id,
                contact_id=ticket.contact_id,
                direction="note",
                channel="console",
                body=self.vault.encrypt(text),
                counsellor_id=who.id,
                created_at=self.clock(),
            )
        )
        return _Done("note", ticket, counsellor_id=who.id)

    # --- helpers --------------------------------------------------------------------------

    def _managed(self, s: Session, ticket: Ticket, who: Identity) -> int:
        """Who has the ticket, if `who` may release, transfer or close it (they or a supervisor)."""
        if ticket.status != "claimed" or ticket.counsellor_id is None:
            raise refusal(s, ticket)
        if ticket.counsellor_id != who.id and not who.supervises:
            raise _refuse(NO_ACCESS)
        return ticket.counsellor_id

    def _conditional(self, s: Session, ticket: Ticket, holder: int, **values: object) -> None:
        """Change a claimed ticket only if nobody changed it since we read it."""
        changed = _rows(
            s.execute(
                update(Ticket)
                .where(
                    Ticket.id == ticket.id,
                    Ticket.status == "claimed",
                    Ticket.counsellor_id == holder,
                )
                .values(**values)
                .execution_options(synchronize_session=False)
            )
        )
        if changed != 1:
            raise _refuse(CHANGED)
        s.refresh(ticket)

    def _language(self, contact: Contact, ticket: Ticket) -> str:
        return contact.language or ticket.language or self.default_language

    def _tell(
        self, s: Session, contact: Contact, conv: Conversation, ticket: Ticket, text: Text
    ) -> None:
        """Tell the person (on their channel, in their language) and keep it in the history."""
        language = self._language(contact, ticket)
        reply = Reply(text)
        rendered = self.outbox.renderer.render(reply, language)
        s.add(
            Message(
                conversation_id=conv.id,
                contact_id=contact.id,
                direction="out",
                channel=contact.channel,
                body=self.vault.encrypt(rendered.text),
                language=language,
                created_at=self.clock(),
            )
        )
        self.outbox.enqueue(s, contact, [reply], language, proactive=True)

    async def _read(self, work: Callable[[Session], T]) -> T:
        def run() -> T:
            with self.db.session() as s:
                return work(s)

        return await anyio.to_thread.run_sync(run)

    def _key(self, ticket_id: int) -> str:
        with self.db.session() as s:
            key = s.scalar(
                select(Contact.key)
                .join(Ticket, Ticket.contact_id == Contact.id)
                .where(Ticket.id == ticket_id)
            )
            if key is None:
                raise _refuse(GONE)
            return key

    async def _act(self, ticket_id: int, work: Work) -> None:
        key = await anyio.to_thread.run_sync(self._key, ticket_id)
        async with self.store.lock("contact:" + key):
            done = await anyio.to_thread.run_sync(self._transaction, ticket_id, work)
        if done is None:
            return
        if done.queued:
            self.outbox.wake()
        await self.store.publish("console", done.event())

    def _transaction(self, ticket_id: int, work: Work) -> _Done | None:
        with self.db.session() as s:
            ticket = s.get(Ticket, ticket_id, populate_existing=True)
            if ticket is None:
                raise _refuse(GONE)
            conv = s.get(Conversation, ticket.conversation_id)
            contact = s.get(Contact, ticket.contact_id)
            if conv is None or contact is None:
                raise _refuse(GONE)
            return work(s, ticket, conv, contact)


def _clean(text: str) -> str:
    from bot.engine import clean  # the engine imports this module: import its cleaner lazily

    return clean(text)[:MAX_TEXT]
