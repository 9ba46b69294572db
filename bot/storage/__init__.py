"""Durable storage: SQLAlchemy models, Alembic migrations, sessions."""

from bot.storage.db import Database
from bot.storage.models import (
    AuditEvent,
    Base,
    CheckIn,
    CheckInAnswer,
    CheckInPlan,
    Contact,
    Conversation,
    Counsellor,
    Message,
    Outbound,
    Ticket,
    utcnow,
)

__all__ = [
    "AuditEvent",
    "Base",
    "CheckIn",
    "CheckInAnswer",
    "CheckInPlan",
    "Contact",
    "Conversation",
    "Counsellor",
    "Database",
    "Message",
    "Outbound",
    "Ticket",
    "utcnow",
]
