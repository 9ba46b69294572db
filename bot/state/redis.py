"""Redis state store: shared by every worker when REDIS_URL is set."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis

from bot.state.base import LockTimeout
from bot.state.memory import MemoryStore

# Release only the lock we hold: compare the token, then delete, atomically.
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""
_INCR = """
local n = redis.call('incr', KEYS[1])
if n == 1 then redis.call('pexpire', KEYS[1], ARGV[1]) end
return n
"""


class RedisStore:
    def __init__(self, url: str, prefix: str = "sanad:") -> None:
        self._redis: Redis = Redis.from_url(url, decode_responses=True)
        self._prefix = prefix
        self._release = self._redis.register_script(_RELEASE)
        self._incr = self._redis.register_script(_INCR)
        self._local = MemoryStore()

    def _k(self, key: str) -> str:
        return self._prefix + key

    async def get(self, key: str) -> str | None:
        value = await self._redis.get(self._k(key))
        return None if value is None else str(value)

    async def set(self, key: str, value: str, ttl: float | None = None) -> None:
        await self._redis.set(self._k(key), value, px=None if ttl is None else int(ttl * 1000))

    async def set_if_absent(self, key: str, value: str, ttl: float | None = None) -> bool:
        px = None if ttl is None else int(ttl * 1000)
        return bool(await self._redis.set(self._k(key), value, px=px, nx=True))

    async def delete(self, key: str) -> None:
        await self._redis.delete(self._k(key))

    async def incr(self, key: str, ttl: float) -> int:
        return int(await self._incr(keys=[self._k(key)], args=[int(ttl * 1000)]))

    @asynccontextmanager
    async def lock(self, key: str, timeout: float = 30.0) -> AsyncIterator[None]:
        """A local FIFO lock (arrival order within this worker) around a Redis lease lock
        (SET NX PX, released by token) that excludes the other workers."""
        deadline = time.monotonic() + timeout
        async with self._local.lock(key, timeout):
            name = self._k("lock:" + key)
            token = secrets.token_hex(16)
            lease_ms = int(max(timeout, 1.0) * 2000)  # a crashed holder frees it after this
            delay = 0.002
            while not await self._redis.set(name, token, px=lease_ms, nx=True):
                if time.monotonic() > deadline:
                    raise LockTimeout(key)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.05)
            try:
                yield
            finally:
                await self._release(keys=[name], args=[token])

    async def publish(self, channel: str, message: str) -> None:
        await self._redis.publish(self._k(channel), message)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[str]]:
        pubsub = self._redis.pubsub()
        await pubsub.subscribe(self._k(channel))

        async def messages() -> AsyncIterator[str]:
            async for item in pubsub.listen():
                if item.get("type") == "message":
                    yield str(item["data"])

        try:
            yield messages()
        finally:
            await pubsub.unsubscribe(self._k(channel))
            await pubsub.aclose()

    async def close(self) -> None:
        await self._redis.aclose()
