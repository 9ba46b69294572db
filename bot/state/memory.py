"""In-process state store: the default for one process (`sanad run` with SQLite)."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.state.base import LockTimeout


class MemoryStore:
    def __init__(self) -> None:
        self._values: dict[str, tuple[str, float | None]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._waiters: dict[str, int] = defaultdict(int)
        self._subscribers: dict[str, set[asyncio.Queue[str]]] = defaultdict(set)

    def _live(self, key: str) -> str | None:
        item = self._values.get(key)
        if item is None:
            return None
        value, deadline = item
        if deadline is not None and deadline <= time.monotonic():
            del self._values[key]
            return None
        return value

    async def get(self, key: str) -> str | None:
        return self._live(key)

    async def set(self, key: str, value: str, ttl: float | None = None) -> None:
        self._values[key] = (value, None if ttl is None else time.monotonic() + ttl)

    async def set_if_absent(self, key: str, value: str, ttl: float | None = None) -> bool:
        if self._live(key) is not None:
            return False
        await self.set(key, value, ttl)
        return True

    async def delete(self, key: str) -> None:
        self._values.pop(key, None)

    async def incr(self, key: str, ttl: float) -> int:
        current = self._live(key)
        if current is None:
            await self.set(key, "1", ttl)
            return 1
        _, deadline = self._values[key]
        count = int(current) + 1
        self._values[key] = (str(count), deadline)
        return count

    @asynccontextmanager
    async def lock(self, key: str, timeout: float = 30.0) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())  # asyncio.Lock is FIFO-fair
        self._waiters[key] += 1
        try:
            try:
                await asyncio.wait_for(lock.acquire(), timeout)
            except TimeoutError as exc:
                raise LockTimeout(key) from exc
            try:
                yield
            finally:
                lock.release()
        finally:
            self._waiters[key] -= 1
            if self._waiters[key] == 0:  # forget idle locks so memory stays flat
                del self._waiters[key]
                self._locks.pop(key, None)

    async def publish(self, channel: str, message: str) -> None:
        for queue in list(self._subscribers.get(channel, ())):
            queue.put_nowait(message)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[str]]:
        queue: asyncio.Queue[str] = asyncio.Queue()
        self._subscribers[channel].add(queue)

        async def messages() -> AsyncIterator[str]:
            while True:
                yield await queue.get()

        try:
            yield messages()
        finally:
            self._subscribers[channel].discard(queue)
            if not self._subscribers[channel]:
                del self._subscribers[channel]

    async def close(self) -> None:
        self._subscribers.clear()
