"""The outbox: in order per contact, retried through outages, never sent twice by many workers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import UTC, timedelta

import pytest
from anyio.from_thread import BlockingPortal
from sqlalchemy import select

from bot.domain import Capabilities, Reply, Verbatim
from bot.outbox import Delivery, RetryLater, Undeliverable
from bot.runtime import Runtime
from bot.storage import Contact, Outbound
from bot.testing import Clock

from .conftest import KeywordParser


class FakeAdapter:
    name = "fake"
    channels = ("sms",)

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.down = False
        self.refuse: set[str] = set()

    def capabilities(self, channel: str) -> Capabilities:
        return Capabilities(buttons=False)

    async def send(self, delivery: Delivery) -> Sequence[str]:
        text = delivery.messages[0].text
        if self.down:
            raise RetryLater("provider down")
        if text in self.refuse:
            raise Undeliverable("unknown number")
        await asyncio.sleep(0.001)
        self.sent.append((delivery.address, text))
        return [f"SM{len(self.sent)}"]


def queue(runtime: Runtime, address: str, *texts: str) -> None:
    with runtime.db.session() as s:
        key = runtime.engine.contact_key("sms", address)
        contact = s.scalar(select(Contact).where(Contact.key == key))
        if contact is None:
            contact = Contact(key=key, channel="sms", address=runtime.vault.encrypt(address))
            s.add(contact)
            s.flush()
        for text in texts:
            runtime.outbox.enqueue(s, contact, [Reply(Verbatim(text))], "fr")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def setup(make_runtime: Callable[..., Runtime], clock: Clock) -> tuple[Runtime, FakeAdapter]:
    runtime = make_runtime(parse=KeywordParser(), clock=clock)
    adapter = FakeAdapter()
    runtime.adapters["sms"] = adapter  # type: ignore[assignment]
    return runtime, adapter


def drain(runtime: Runtime, portal: BlockingPortal) -> int:
    total = 0
    while (sent := portal.call(runtime.outbox.deliver_due)) > 0:
        total += sent
    return total


def test_messages_leave_in_order_per_contact(
    setup: tuple[Runtime, FakeAdapter], portal: BlockingPortal
) -> None:
    runtime, adapter = setup
    queue(runtime, "+2126001", "one", "two", "three")
    queue(runtime, "+2126002", "other")
    drain(runtime, portal)
    assert [t for a, t in adapter.sent if a == "+2126001"] == ["one", "two", "three"]
    assert ("+2126002", "other") in adapter.sent


def test_an_outage_delays_messages_but_loses_none_and_keeps_their_order(
    setup: tuple[Runtime, FakeAdapter], portal: BlockingPortal, clock: Clock
) -> None:
    runtime, adapter = setup
    adapter.down = True
    queue(runtime, "+2126001", "one", "two")
    for _ in range(5):
        drain(runtime, portal)
        assert adapter.sent == []
        clock.advance(seconds=3600)
    queue(runtime, "+2126001", "three")
    adapter.down = False
    clock.advance(seconds=3600)
    drain(runtime, portal)
    assert [t for _, t in adapter.sent] == ["one", "two", "three"]
    with runtime.db.session() as s:
        rows = s.scalars(select(Outbound).order_by(Outbound.id)).all()
        assert [r.status for r in rows] == ["sent"] * 3
        assert rows[0].provider_ids == "SM1" and rows[0].attempts == 6


def test_a_flood_limit_is_respected(
    setup: tuple[Runtime, FakeAdapter], portal: BlockingPortal, clock: Clock
) -> None:
    runtime, adapter = setup

    async def limited(delivery: Delivery) -> Sequence[str]:
        raise RetryLater("429 Too Many Requests", after=30)

    adapter.send = limited  # type: ignore[method-assign]
    queue(runtime, "+2126001", "one")
    portal.call(runtime.outbox.deliver_due)
    with runtime.db.session() as s:
        row = s.scalars(select(Outbound)).one()
        assert row.next_attempt_at.replace(tzinfo=UTC) == clock.now + timedelta(seconds=30)


def test_an_undeliverable_message_is_given_up_and_the_next_one_goes(
    setup: tuple[Runtime, FakeAdapter], portal: BlockingPortal
) -> None:
    runtime, adapter = setup
    adapter.refuse = {"bad"}
    queue(runtime, "+2126001", "bad", "good")
    drain(runtime, portal)
    assert adapter.sent == [("+2126001", "good")]


def test_delivery_status_callbacks_are_recorded(
    setup: tuple[Runtime, FakeAdapter], portal: BlockingPortal
) -> None:
    runtime, _ = setup
    queue(runtime, "+2126001", "one")
    drain(runtime, portal)
    assert runtime.outbox.record_status("SM1", "delivered")
    assert not runtime.outbox.record_status("SMunknown", "delivered")
    with runtime.db.session() as s:
        assert s.scalars(select(Outbound.delivery_status)).one() == "delivered"


def test_many_workers_on_postgresql_send_each_message_exactly_once(
    make_runtime: Callable[..., Runtime], postgres_url: str, portal: BlockingPortal
) -> None:
    runtimes = [make_runtime(parse=KeywordParser(), database_url=postgres_url) for _ in range(3)]
    adapter = FakeAdapter()
    for runtime in runtimes:
        runtime.adapters["sms"] = adapter  # type: ignore[assignment]
    for n in range(10):
        queue(runtimes[0], f"+21260{n:04d}", *(f"{n}-{i}" for i in range(3)))

    async def workers() -> None:
        async def work(runtime: Runtime) -> None:
            while await runtime.outbox.deliver_due(limit=4) > 0:
                pass

        await asyncio.gather(*(work(r) for r in runtimes))
        await asyncio.gather(*(work(r) for r in runtimes))  # what is left after the others' leases

    portal.call(workers)
    texts = [t for _, t in adapter.sent]
    assert sorted(texts) == sorted(f"{n}-{i}" for n in range(10) for i in range(3))
    assert len(texts) == len(set(texts)) == 30
    for n in range(10):
        assert [t for a, t in adapter.sent if a == f"+21260{n:04d}"] == [
            f"{n}-{i}" for i in range(3)
        ]


def test_a_worker_whose_lease_ran_out_does_not_send_again(
    setup: tuple[Runtime, FakeAdapter], portal: BlockingPortal, clock: Clock
) -> None:
    """Worker A claims two rows, is slow on the first; the lease of the second runs out and
    worker B sends it; A must then skip it rather than send it a second time."""
    runtime, adapter = setup
    queue(runtime, "+2126001", "one")
    queue(runtime, "+2126002", "two")
    claimed = runtime.outbox._claim(10)  # worker A
    assert [d.id for d in claimed] == [1, 2]
    clock.advance(seconds=120)  # A is slow: its leases run out
    drain(runtime, portal)  # worker B sends both
    assert sorted(t for _, t in adapter.sent) == ["one", "two"]
    for delivery in claimed:  # A goes on with what it had claimed
        assert not runtime.outbox._renew(delivery)
    assert len(adapter.sent) == 2
