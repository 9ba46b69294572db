"""Sanad's own test channel: tests read like conversations (Errbot's `bot` fixture).

bot = TestBot(runtime)
assert "avocat" in bot.say("j'ai besoin d'un avocat").text
bot.choose("Où ?")          # an option of the last reply, by label, number or id
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from anyio.from_thread import BlockingPortal

from bot.domain import Capabilities, Inbound, Media, Rendered
from bot.engine import TurnResult
from bot.runtime import Runtime


@dataclass(frozen=True)
class Said:
    """What Sanad answered to one message, rendered for the test channel."""

    result: TurnResult
    replies: tuple[Rendered, ...]

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.replies)

    @property
    def options(self) -> list[tuple[str, str]]:
        return [option for r in self.replies for option in r.options]

    @property
    def labels(self) -> list[str]:
        return [label for _, label in self.options]

    @property
    def state(self) -> str:
        return self.result.state

    @property
    def language(self) -> str:
        return self.result.language

    @property
    def ticket(self) -> Any:
        return self.result.ticket


class TestBot:
    __test__ = False  # not a pytest test class

    def __init__(
        self,
        runtime: Runtime,
        portal: BlockingPortal,
        sender: str = "tester",
        channel: str = "webchat",
        capabilities: Capabilities | None = None,
    ) -> None:
        self.runtime, self.portal = runtime, portal
        self.sender, self.channel = sender, channel
        self.capabilities = capabilities or Capabilities()
        self.last: Said | None = None
        self._ids = 0

    def say(
        self,
        text: str = "",
        *,
        option: str | None = None,
        provider_id: str | None = None,
        media: tuple[Media, ...] = (),
    ) -> Said:
        inbound = Inbound(
            self.channel, self.sender, text, provider_id=provider_id, option=option, media=media
        )
        result: TurnResult = self.portal.call(self.runtime.engine.handle, inbound)
        renderer = self.runtime.engine.renderer
        rendered = tuple(
            renderer.render(r, result.language, self.capabilities) for r in result.replies
        )
        self.last = Said(result, rendered)
        return self.last

    def choose(self, which: str | int) -> Said:
        """Press an option of the last replies: by its label, its 1-based number or its id."""
        if self.last is None or not self.last.options:
            raise AssertionError("the last reply had no options to choose from")
        options = self.last.options
        if isinstance(which, int):
            option_id = options[which - 1][0]
        else:
            found = [
                i for i, label in options if label == which or i == which or i.endswith(":" + which)
            ]
            if not found:
                raise AssertionError(f"no option {which!r} among {[label for _, label in options]}")
            option_id = found[0]
        return self.say(option=option_id)

    def call(self, function: Callable[..., Any], *args: Any) -> Any:
        """Run a coroutine function on the bot's event loop."""
        return self.portal.call(function, *args)


class Clock:
    """A clock tests move by hand: `Clock()` starts on Monday 30 November 2026, 10:00 UTC
    (11:00 in Casablanca, within the default opening hours)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 30, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
