"""Flows as data: named nodes that say, ask, answer, hand off or act, linked by options
and `next`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.domain import Text

LANGUAGE_OPTIONS = "languages"  # `options: languages` lists every available language


@dataclass(frozen=True)
class FlowOption:
    id: str
    label: Text
    goto: str  # qualified node id "flow.node"
    intents: tuple[str, ...] = ()
    assign: tuple[tuple[str, str], ...] = ()  # `set:` slot values when chosen


@dataclass(frozen=True)
class Node:
    """One node. `qid` is "flow.node"; its text's gettext context is the same slug."""

    qid: str
    file: Path
    say: Text | None = None
    ask: Text | None = None
    answer: str | None = None  # knowledge-base key
    directory: str | None = None  # after the answer, services of this kind in the person's region
    options: tuple[FlowOption, ...] = ()
    language_options: bool = False
    slot: str | None = None
    entity: str | None = None  # the slot takes this entity of the message ("city")
    handoff: str | None = None  # reason of the ticket
    priority: str = "normal"
    action: str | None = None
    condition: str | None = None  # `if:` a named condition; when true go to `then`, else `next`
    then: str | None = None
    next: str | None = None
    end: bool = False
    intents: tuple[str, ...] = ()

    @property
    def flow(self) -> str:
        return self.qid.split(".", 1)[0]

    @property
    def waits(self) -> bool:
        """The conversation stops here until the person answers."""
        return bool(self.options or self.language_options or self.slot)

    def option(self, option_id: str) -> FlowOption | None:
        return next((o for o in self.options if o.id == option_id), None)

    def texts(self) -> list[Text]:
        texts = [t for t in (self.say, self.ask) if t is not None]
        return texts + [o.label for o in self.options]


@dataclass(frozen=True)
class Flows:
    nodes: dict[str, Node]
    by_intent: dict[str, str]  # intent -> entry node qid

    def __getitem__(self, qid: str) -> Node:
        return self.nodes[qid]

    def get(self, qid: str | None) -> Node | None:
        return None if qid is None else self.nodes.get(qid)

    def texts(self) -> list[Text]:
        return [t for node in self.nodes.values() for t in node.texts()]
