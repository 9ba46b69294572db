"""Storage on the embedded SQLite and on PostgreSQL (the real server in CI)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from anyio.from_thread import BlockingPortal
from sqlalchemy import func, inspect, select

from bot.runtime import Runtime
from bot.storage import Base, Contact, Database, Message
from bot.testing import TestBot

from .conftest import KeywordParser


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    if request.param == "postgres":
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{tmp_path}/migrated.db"


def test_migrations_create_exactly_the_models(database_url: str) -> None:
    db = Database(database_url)
    db.upgrade()
    db.upgrade()  # a second upgrade is a no-op
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == [], "models and migrations differ: write a migration (see README)"
    assert {"contacts", "conversations", "messages", "tickets", "audit_events"} <= set(
        inspect(db.engine).get_table_names()
    )
    db.dispose()


def test_a_conversation_with_postgres_and_redis(
    make_runtime: Callable[..., Runtime], postgres_url: str, redis_url: str, portal: BlockingPortal
) -> None:
    from bot.state.redis import RedisStore

    runtime = make_runtime(
        parse=KeywordParser(),
        database_url=postgres_url,
        store=RedisStore(redis_url, prefix="sanad-test:"),
    )
    bot = TestBot(runtime, portal, sender="+212600000002", channel="sms")
    assert bot.say("i need a lawyer", provider_id="SM1").text.endswith("Legal aid gives a lawyer.")
    assert bot.say("i need a lawyer", provider_id="SM1").result.duplicate
    assert bot.say("erase my data").text == "Erase everything?"
    assert bot.say("yes").result.erased
    with runtime.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Contact)) == 0
        assert s.scalar(select(func.count()).select_from(Message)) == 0


def test_the_same_provider_message_cannot_be_stored_twice(database_url: str) -> None:
    from sqlalchemy.exc import IntegrityError

    from bot.storage import Conversation

    db = Database(database_url)
    db.upgrade()
    with db.session() as s:
        contact = Contact(key="k", channel="sms")
        s.add(contact)
        s.flush()
        conversation = Conversation(contact_id=contact.id)
        s.add(conversation)
        s.flush()
        ids = (conversation.id, contact.id)
    with pytest.raises(IntegrityError), db.session() as s:
        for _ in range(2):
            s.add(
                Message(
                    conversation_id=ids[0],
                    contact_id=ids[1],
                    direction="in",
                    channel="sms",
                    provider_id="SMx",
                )
            )
        s.flush()
    db.dispose()
