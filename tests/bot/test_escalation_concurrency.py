"""Claims across workers: two counsellors click at once, on two workers sharing PostgreSQL and
Redis — exactly one gets the conversation, the other is told who was first."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from anyio.from_thread import BlockingPortal
from sqlalchemy import select

from bot import escalation
from bot.domain import Inbound
from bot.escalation import JOINED, EscalationError
from bot.runtime import Runtime
from bot.storage import Outbound, Ticket
from bot.testing import TestBot

from .conftest import KeywordParser
from .test_escalation import add, desk, ticket_of

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def workers(
    make_runtime: Callable[..., Runtime], postgres_url: str, redis_url: str
) -> list[Runtime]:
    """Two workers: each its own database pool and Redis connection, sharing both services."""
    return [
        make_runtime(parse=KeywordParser(), database_url=postgres_url, redis_url=redis_url)
        for _ in range(2)
    ]


def test_two_claims_at_once_on_two_workers_exactly_one_wins(
    make_runtime: Callable[..., Runtime], postgres_url: str, redis_url: str, portal: BlockingPortal
) -> None:
    first, second = workers(make_runtime, postgres_url, redis_url)
    amina, omar = add(first, "Amina"), add(second, "Omar")
    desks = desk(first), desk(second)
    winners = set()
    for attempt in range(12):
        ticket = ticket_of(TestBot(first, portal, sender=f"person-{attempt}").say("i want a human"))

        async def both(ticket: int = ticket) -> list[object]:
            return await asyncio.gather(
                desks[0].claim(ticket, amina), desks[1].claim(ticket, omar), return_exceptions=True
            )

        results = portal.call(both)
        assert sum(r is None for r in results) == 1, results
        [refused] = [r for r in results if r is not None]
        winner, loser = (amina, omar) if results[0] is None else (omar, amina)
        assert isinstance(refused, EscalationError)
        assert str(refused) == f"{winner.name} took this conversation a moment before you."
        winners.add(winner.name)
        with second.db.session() as s:
            claimed = s.get(Ticket, ticket)
            assert claimed is not None and claimed.status == "claimed"
            assert claimed.counsellor_id == winner.id != loser.id
            told = [
                json.loads(first.vault.decrypt(row.payload))[0]["text"]
                for row in s.scalars(
                    select(Outbound).where(Outbound.contact_id == claimed.contact_id)
                )
            ]
            assert told.count(JOINED.source) == 1  # the person is told once, by the winner


def test_the_conditional_update_alone_lets_exactly_one_claim_through(
    make_runtime: Callable[..., Runtime], postgres_url: str, portal: BlockingPortal
) -> None:
    """Without any lock: eight transactions reach the UPDATE together (a barrier); PostgreSQL
    lets one change the row and the others see it taken."""
    runtime = make_runtime(parse=KeywordParser(), database_url=postgres_url)
    team = [add(runtime, f"Counsellor {i}") for i in range(8)]
    ticket = ticket_of(TestBot(runtime, portal, sender="p").say("i want a human counsellor"))
    barrier = threading.Barrier(len(team))
    now = runtime.engine.clock()

    def attempt(who: escalation.Identity) -> object:
        with runtime.db.session() as s:
            barrier.wait()
            try:
                return escalation.claim(s, ticket, who, now)
            except EscalationError as refused:
                return refused

    with ThreadPoolExecutor(len(team)) as pool:
        results = list(pool.map(attempt, team))
    assert results.count(True) == 1
    assert all(
        isinstance(r, EscalationError) and "took this conversation" in str(r)
        for r in results
        if r is not True
    )
    with runtime.db.session() as s:
        assert s.get(Ticket, ticket).counsellor_id == team[results.index(True)].id  # type: ignore[union-attr]


def test_a_critical_message_on_one_worker_reaches_the_console_stream_of_the_other(
    make_runtime: Callable[..., Runtime], postgres_url: str, redis_url: str, portal: BlockingPortal
) -> None:
    first, second = workers(make_runtime, postgres_url, redis_url)

    async def scenario() -> list[dict[str, object]]:
        async with second.store.subscribe("console") as events:
            await first.engine.handle(
                Inbound("webchat", "someone-in-danger", "i want to kill myself")
            )
            return [json.loads(await asyncio.wait_for(events.__anext__(), 5)) for _ in range(2)]

    events = portal.call(scenario)
    assert [e["kind"] for e in events] == ["ticket", "alert"]
    assert events[1]["priority"] == "critical"
