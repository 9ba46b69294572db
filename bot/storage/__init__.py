"""Durable storage: SQLAlchemy models, Alembic migrations, sessions."""

from bot.storage.db import Database
from bot.storage.models import (
    AuditEvent,
    Base,
    Contact,
    Conversation,
    Counsellor,
    Message,
    Ticket,
    utcnow,
)

__all__ = [
    "AuditEvent",
    "Base",
    "Contact",
    "Conversation",
    "Counsellor",
    "Database",
    "Message",
    "Ticket",
    "utcnow",
]
