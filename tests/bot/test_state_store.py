"""The same contract for both state stores: in-process and Redis (the real Redis in CI)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest
from anyio.from_thread import BlockingPortal

from bot.state import LockTimeout, MemoryStore, StateStore


@pytest.fixture(params=["memory", "redis"])
def make_store(request: pytest.FixtureRequest, portal: BlockingPortal) -> Callable[[], StateStore]:
    """A factory: stores made by it share one backend (as two workers share Redis)."""
    if request.param == "memory":
        shared = MemoryStore()
        return lambda: shared
    url = request.getfixturevalue("redis_url")
    from bot.state.redis import RedisStore

    made: list[RedisStore] = []

    def make() -> StateStore:
        store = RedisStore(url, prefix="sanad-test:")
        made.append(store)
        return store

    request.addfinalizer(lambda: [portal.call(s.close) for s in made])
    return make


def run(portal: BlockingPortal, coroutine_function: Callable[[], object]) -> object:
    return portal.call(coroutine_function)  # type: ignore[arg-type]


def test_get_set_delete_and_time_to_live(
    make_store: Callable[[], StateStore], portal: BlockingPortal
) -> None:
    store = make_store()

    async def scenario() -> None:
        assert await store.get("k") is None
        await store.set("k", "v")
        assert await store.get("k") == "v"
        await store.set("short", "v", ttl=0.05)
        await asyncio.sleep(0.1)
        assert await store.get("short") is None
        await store.delete("k")
        assert await store.get("k") is None

    run(portal, scenario)


def test_set_if_absent_sets_once(
    make_store: Callable[[], StateStore], portal: BlockingPortal
) -> None:
    store = make_store()

    async def scenario() -> None:
        assert await store.set_if_absent("once", "a", ttl=10)
        assert not await store.set_if_absent("once", "b", ttl=10)
        assert await store.get("once") == "a"

    run(portal, scenario)


def test_counters_expire_after_their_first_increment(
    make_store: Callable[[], StateStore], portal: BlockingPortal
) -> None:
    store = make_store()

    async def scenario() -> None:
        assert [await store.incr("attempts", ttl=0.1) for _ in range(3)] == [1, 2, 3]
        await asyncio.sleep(0.15)
        assert await store.incr("attempts", ttl=0.1) == 1

    run(portal, scenario)


def test_a_lock_excludes_other_holders_even_from_another_worker(
    make_store: Callable[[], StateStore], portal: BlockingPortal
) -> None:
    workers = [make_store(), make_store()]
    events: list[str] = []

    async def hold(store: StateStore, name: str) -> None:
        async with store.lock("contact:1"):
            events.append(f"{name} in")
            await asyncio.sleep(0.03)
            events.append(f"{name} out")

    async def scenario() -> None:
        await asyncio.gather(*(hold(workers[i % 2], f"w{i}") for i in range(4)))

    run(portal, scenario)
    for i in range(0, len(events), 2):  # never two holders at once
        assert events[i].split()[0] == events[i + 1].split()[0]
        assert events[i].endswith("in") and events[i + 1].endswith("out")


def test_waiters_of_one_worker_get_the_lock_in_arrival_order(
    make_store: Callable[[], StateStore], portal: BlockingPortal
) -> None:
    store = make_store()
    order: list[int] = []

    async def hold(i: int) -> None:
        async with store.lock("contact:2"):
            order.append(i)
            await asyncio.sleep(0.005)

    async def scenario() -> None:
        tasks = []
        for i in range(5):
            tasks.append(asyncio.create_task(hold(i)))
            await asyncio.sleep(0.002)
        await asyncio.gather(*tasks)

    run(portal, scenario)
    assert order == [0, 1, 2, 3, 4]


def test_a_lock_held_too_long_times_out(
    make_store: Callable[[], StateStore], portal: BlockingPortal
) -> None:
    first, second = make_store(), make_store()

    async def scenario() -> None:
        async with first.lock("contact:3"):
            with pytest.raises(LockTimeout):
                async with second.lock("contact:3", timeout=0.1):
                    pass

    run(portal, scenario)


def test_published_messages_reach_every_subscriber(
    make_store: Callable[[], StateStore], portal: BlockingPortal
) -> None:
    publisher, a, b = make_store(), make_store(), make_store()

    async def first(stream: AsyncIterator[str]) -> str:
        return await stream.__anext__()

    async def scenario() -> list[str]:
        async with a.subscribe("console") as one, b.subscribe("console") as two:
            await asyncio.sleep(0.05)  # let Redis register the subscriptions
            await publisher.publish("console", '{"kind": "ticket"}')
            return list(await asyncio.wait_for(asyncio.gather(first(one), first(two)), 2))

    assert run(portal, scenario) == ['{"kind": "ticket"}', '{"kind": "ticket"}']
