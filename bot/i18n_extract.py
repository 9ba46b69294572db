"""A babel extractor for flow files: `pybabel extract` finds every text of every node.

Registered as the `flows` extractor (entry point `babel.extractors`); each message carries its
node's slug as `msgctxt` ("main.menu", "main.menu.legal"), so renaming a text never loses its
translations' place, and the same English words in two nodes can be translated differently.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

import yaml

TEXT_FIELDS = ("say", "ask")


def extract_flows(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    root = yaml.compose(fileobj.read().decode("utf-8"))
    if not isinstance(root, yaml.MappingNode):
        return
    top = {k.value: v for k, v in root.value if isinstance(k, yaml.ScalarNode)}
    flow = top.get("flow")
    nodes = top.get("nodes")
    if not isinstance(flow, yaml.ScalarNode) or not isinstance(nodes, yaml.MappingNode):
        return
    for key, body in nodes.value:
        if not isinstance(body, yaml.MappingNode):
            continue
        qid = f"{flow.value}.{key.value}"
        fields = {k.value: v for k, v in body.value if isinstance(k, yaml.ScalarNode)}
        for name in TEXT_FIELDS:
            value = fields.get(name)
            if isinstance(value, yaml.ScalarNode) and value.value.strip():
                yield value.start_mark.line + 1, "pgettext", (qid, value.value.strip()), [f"node {qid}"]
        options = fields.get("options")
        if isinstance(options, yaml.SequenceNode):
            for option in options.value:
                if not isinstance(option, yaml.MappingNode):
                    continue
                parts = {k.value: v for k, v in option.value if isinstance(k, yaml.ScalarNode)}
                option_id, label = parts.get("id"), parts.get("label")
                if isinstance(option_id, yaml.ScalarNode) and isinstance(label, yaml.ScalarNode):
                    yield (label.start_mark.line + 1, "pgettext",
                           (f"{qid}.{option_id.value}", label.value.strip()),
                           [f"option {option_id.value} of node {qid} (a button label: keep it short)"])


def extract_checkins(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """The texts of a check-in questionnaire (`content/checkins/*.yml`)."""
    root = yaml.compose(fileobj.read().decode("utf-8"))
    if not isinstance(root, yaml.MappingNode):
        return
    top = {k.value: v for k, v in root.value if isinstance(k, yaml.ScalarNode)}
    name = top.get("checkin")
    if not isinstance(name, yaml.ScalarNode):
        return
    prefix = f"checkin.{name.value}"
    for field_name in ("intro", "thanks", "reminder"):
        value = top.get(field_name)
        if isinstance(value, yaml.ScalarNode):
            yield value.start_mark.line + 1, "pgettext", (f"{prefix}.{field_name}", value.value.strip()), []
    items = top.get("items")
    if not isinstance(items, yaml.SequenceNode):
        return
    for item in items.value:
        if not isinstance(item, yaml.MappingNode):
            continue
        fields = {k.value: v for k, v in item.value if isinstance(k, yaml.ScalarNode)}
        item_id, ask = fields.get("id"), fields.get("ask")
        if not isinstance(item_id, yaml.ScalarNode):
            continue
        if isinstance(ask, yaml.ScalarNode):
            yield ask.start_mark.line + 1, "pgettext", (f"{prefix}.{item_id.value}", ask.value.strip()), []
        options = fields.get("options")
        for option in options.value if isinstance(options, yaml.SequenceNode) else ():
            if not isinstance(option, yaml.MappingNode):
                continue
            parts = {k.value: v for k, v in option.value if isinstance(k, yaml.ScalarNode)}
            option_id, label = parts.get("id"), parts.get("label")
            if isinstance(option_id, yaml.ScalarNode) and isinstance(label, yaml.ScalarNode):
                yield (label.start_mark.line + 1, "pgettext",
                       (f"{prefix}.{item_id.value}.{option_id.value}", label.value.strip()),
                       ["an answer option: keep it short"])
