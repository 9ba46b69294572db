"""YAML for files people write by hand: a duplicate key is an error, not a silent overwrite."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from bot.errors import ContentError


class _StrictLoader(yaml.SafeLoader):
    pass


# YAML 1.1 reads `yes`, `no`, `on`, `off` as booleans: an option `id: no` would silently become
# False. Like YAML 1.2, only `true` and `false` are booleans here.
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
        if key in seen:
            raise ContentError([f"line {key_node.start_mark.line + 1}: duplicate key {key!r}"])
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def load_yaml(path: Path) -> Any:
    """Parse a YAML file strictly; errors say which line."""
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_StrictLoader)
