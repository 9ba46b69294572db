"""Where a call stands between two webhooks, kept in the state store under its CallSid.

Lost without harm (it expires after a few hours): a call whose state is gone goes on from the
conversation the engine keeps, without the last prompt to repeat."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from bot.state import StateStore

from .speech import Segment, dump, load

TTL = 4 * 3600.0


@dataclass
class CallState:
    step: int = 1  # the webhook step; CallSid + step is the message's provider id
    prompt: list[Segment] = field(default_factory=list)  # what the last <Gather> said
    options: list[str] = field(default_factory=list)  # option ids; key 1 is the first
    hints: list[str] = field(default_factory=list)
    language: str | None = None  # None while the caller is choosing the language
    silences: int = 0  # no input in a row

    def to_json(self) -> str:
        return json.dumps(
            {
                "step": self.step,
                "prompt": dump(self.prompt),
                "options": self.options,
                "hints": self.hints,
                "language": self.language,
                "silences": self.silences,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, raw: str) -> CallState:
        data = json.loads(raw)
        return cls(
            step=int(data.get("step", 1)),
            prompt=load(data.get("prompt")),
            options=[str(o) for o in data.get("options", [])],
            hints=[str(h) for h in data.get("hints", [])],
            language=data.get("language"),
            silences=int(data.get("silences", 0)),
        )


def _key(call_sid: str) -> str:
    return f"voice:call:{call_sid}"


async def load_call(store: StateStore, call_sid: str) -> CallState | None:
    raw = await store.get(_key(call_sid))
    if raw is None:
        return None
    try:
        return CallState.from_json(raw)
    except (ValueError, TypeError, KeyError):  # written by another version: start afresh
        return None


async def save_call(store: StateStore, call_sid: str, call: CallState) -> None:
    await store.set(_key(call_sid), call.to_json(), ttl=TTL)


async def forget_call(store: StateStore, call_sid: str) -> None:
    await store.delete(_key(call_sid))
