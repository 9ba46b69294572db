"""What a channel adapter offers the core, and how the core finds them (entry points)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Protocol

from starlette.routing import BaseRoute

from bot.domain import Capabilities

if TYPE_CHECKING:
    from bot.outbox import Delivery
    from bot.runtime import Runtime

GROUP = "sanad.channels"
log = logging.getLogger(__name__)


class Adapter(Protocol):
    """A module of `handlers/`: its routes, and how it sends to the channels it serves."""

    name: str
    channels: tuple[str, ...]  # the `Inbound.channel` names it serves ("whatsapp", "sms")

    def routes(self) -> Sequence[BaseRoute]: ...

    def capabilities(self, channel: str) -> Capabilities: ...

    async def send(self, delivery: Delivery) -> Sequence[str]:
        """Deliver one outbox row (rendered for this channel); return the provider's message ids.

        Raise `bot.outbox.RetryLater` when the provider cannot take it now (outage, flood limit)
        and `bot.outbox.Undeliverable` when it never will."""
        ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def discover(runtime: Runtime) -> list[Adapter]:
    """Every adapter installed under the `sanad.channels` entry-point group that is switched on.

    Each entry point is a factory `create(runtime) -> Adapter | None`; None means its settings
    (a token, a secret) are not given, so the channel stays off."""
    adapters: list[Adapter] = []
    for entry in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        factory = entry.load()
        adapter = factory(runtime)
        if adapter is None:
            log.info("channel %s is off (its settings are not given)", entry.name)
            continue
        adapters.append(adapter)
    return adapters
