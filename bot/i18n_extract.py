"""Babel extractors for content files: `pybabel extract` finds every text of the flows
(`content/flows/*.yml`) and of the check-in questionnaires (`content/checkins/*.yml`).

Registered as the `flows` and `checkins` extractors (entry points `babel.extractors`). Each message
carries a stable slug as `msgctxt` ("main.menu", "main.menu.legal", "checkin.wellbeing.mood"), so
the same English words in two places can be translated differently, and an edited English text
keeps its place in the catalogs.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

import yaml

Extracted = Iterator[tuple[int, str, tuple[str, str], list[str]]]
TEXT_FIELDS = ("say", "ask")


def _fields(node: yaml.Node | None) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _items(node: yaml.Node | None) -> list[yaml.Node]:
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _scalar(node: yaml.Node | None) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) and node.value.strip() else None


def _message(
    node: yaml.Node, ctx: str, comment: str | None = None
) -> tuple[int, str, tuple[str, str], list[str]]:
    return (
        node.start_mark.line + 1,
        "pgettext",
        (ctx, node.value.strip()),
        [comment] if comment else [],
    )


def _options(options: yaml.Node | None, prefix: str, comment: str) -> Extracted:
    """Each option's `label`, its context `<prefix>.<option id>`."""
    for option in _items(options):
        parts = _fields(option)
        option_id, label = _scalar(parts.get("id")), parts.get("label")
        if option_id and label is not None and _scalar(label):
            yield _message(label, f"{prefix}.{option_id}", comment.format(option=option_id))


def extract_flows(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Extracted:
    top = _fields(yaml.compose(fileobj.read().decode("utf-8")))
    flow = _scalar(top.get("flow"))
    if flow is None:
        return
    for key, body in _fields(top.get("nodes")).items():
        qid = f"{flow}.{key}"
        fields = _fields(body)
        for name in TEXT_FIELDS:
            value = fields.get(name)
            if value is not None and _scalar(value):
                yield _message(value, qid, f"node {qid}")
        yield from _options(
            fields.get("options"),
            qid,
            f"option {{option}} of node {qid} (a button label: keep it short)",
        )


def extract_checkins(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Extracted:
    top = _fields(yaml.compose(fileobj.read().decode("utf-8")))
    name = _scalar(top.get("checkin"))
    if name is None:
        return
    prefix = f"checkin.{name}"
    for field_name in ("intro", "thanks", "reminder"):
        value = top.get(field_name)
        if value is not None and _scalar(value):
            yield _message(value, f"{prefix}.{field_name}")
    for item in _items(top.get("items")):
        fields = _fields(item)
        item_id, ask = _scalar(fields.get("id")), fields.get("ask")
        if item_id is None:
            continue
        if ask is not None and _scalar(ask):
            yield _message(ask, f"{prefix}.{item_id}")
        yield from _options(
            fields.get("options"), f"{prefix}.{item_id}", "an answer option: keep it short"
        )
