"""Hot state shared by workers: locks, expiring keys, pub/sub."""

from bot.state.base import LockTimeout, StateStore
from bot.state.memory import MemoryStore


def open_store(redis_url: str | None) -> StateStore:
    """Redis when a URL is given, otherwise the in-process store."""
    if redis_url:
        from bot.state.redis import RedisStore

        return RedisStore(redis_url)
    return MemoryStore()


__all__ = ["LockTimeout", "MemoryStore", "StateStore", "open_store"]
