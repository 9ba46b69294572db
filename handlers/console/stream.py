"""The live queue: server-sent events fed by the state store's "console" channel.

Events carry ids and labels only (never content); the page then fetches what changed through
its authenticated routes. With Redis every worker's console sees every worker's events.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from bot import counsellors
from bot.counsellors import Identity
from bot.state import StateStore
from handlers.console.context import HEADERS, Console

KEEPALIVE_SECONDS = 15.0
SEEN_EVERY_SECONDS = 30.0


@contextlib.asynccontextmanager
async def live(store: StateStore, channel: str) -> AsyncIterator[asyncio.Queue[str]]:
    """A subscription read into a queue by its own task.

    Waiting on the queue with a timeout is safe; cancelling a wait inside the subscription's own
    iterator (an async generator) would end the subscription after the first keep-alive."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    async with store.subscribe(channel) as messages:
        ready = asyncio.Event()

        async def pump() -> None:
            ready.set()
            async for message in messages:
                queue.put_nowait(message)

        task = asyncio.create_task(pump())
        await ready.wait()
        try:
            yield queue
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


class Stream:
    def __init__(self, console: Console) -> None:
        self.c = console

    async def events(self, request: Request, who: Identity) -> Response:
        """`alert` events (a critical ticket) go only to counsellors on duty: their page sounds
        and shows a notification. Every other event just refreshes what is on screen."""

        async def stream() -> AsyncIterator[str]:
            async with live(self.c.runtime.store, "console") as queue:
                yield "retry: 3000\n: connected\n\n"
                last_seen = 0.0
                while True:
                    if time.monotonic() - last_seen > SEEN_EVERY_SECONDS:
                        if not await self._still_signed_in(who):
                            return  # deactivated, or a new password: no more events
                        last_seen = time.monotonic()
                    try:
                        item = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                    except TimeoutError:
                        yield ": keep-alive\n\n"
                        continue
                    yield await self._event(who, item)

        headers = {**HEADERS, "X-Accel-Buffering": "no"}
        return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)

    async def _still_signed_in(self, who: Identity) -> bool:
        """Mark them seen (supervisors count them online) if their account still lets them in."""
        now = self.c.clock()

        def check(s: Session) -> bool:
            if counsellors.current(s, who.id, who.stamp) is None:
                return False
            counsellors.seen(s, who.id, now)
            return True

        return await self.c.db(check)

    async def _event(self, who: Identity, item: str) -> str:
        try:
            kind = json.loads(item).get("kind")
        except (ValueError, AttributeError):
            kind = None
        name = "message"
        if kind == "alert":
            on_duty = await self.c.db(lambda s: counsellors.is_on_duty(s, who.id))
            name = "alert" if on_duty else "message"
        return f"event: {name}\ndata: {item}\n\n"
