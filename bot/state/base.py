"""The hot-state interface: small enough to implement twice (in-process and Redis).

Durable conversation state lives in SQL; this store holds what must be shared between workers
but may be lost without harm: per-contact locks, short-lived keys with a time to live (rate
limits, call state) and the pub/sub that feeds the counsellors' console.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Protocol


class LockTimeout(Exception):
    """The lock was not acquired in time (another worker holds it for too long)."""


class StateStore(Protocol):
    async def get(self, key: str) -> str | None: ...

    async def set(self, key: str, value: str, ttl: float | None = None) -> None: ...

    async def set_if_absent(self, key: str, value: str, ttl: float | None = None) -> bool:
        """Set only when the key is absent; True when this call set it."""
        ...

    async def delete(self, key: str) -> None: ...

    async def incr(self, key: str, ttl: float) -> int:
        """Increment a counter that expires `ttl` seconds after its first increment."""
        ...

    def lock(self, key: str, timeout: float = 30.0) -> AbstractAsyncContextManager[None]:
        """Exclusive lock; waiters are served in arrival order as far as the backend allows."""
        ...

    async def publish(self, channel: str, message: str) -> None: ...

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[AsyncIterator[str]]: ...

    async def close(self) -> None: ...
