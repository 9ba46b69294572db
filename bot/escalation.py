"""Tickets: opening them (raising the priority of an open one), and the queue's order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from bot.storage import Contact, Conversation, Ticket
from bot.types import Priority

RANK: dict[str, int] = {"critical": 0, "elevated": 1, "normal": 2}
OPEN = ("queued", "claimed")


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
                and_(Ticket.priority_rank == ticket.priority_rank, Ticket.created_at <= ticket.created_at),
            ),
        )
    )
    return int(ahead or 0) + 1
