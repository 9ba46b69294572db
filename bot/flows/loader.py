"""Load `content/flows/*.yml` and check them: every problem names its file and node."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from bot.domain import Text
from bot.errors import ContentError
from bot.flows.model import LANGUAGE_OPTIONS, FlowOption, Flows, Node
from bot.yamlio import load_yaml

SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
NODE_FIELDS = {
    "say",
    "ask",
    "answer",
    "directory",
    "options",
    "slot",
    "entity",
    "handoff",
    "priority",
    "action",
    "next",
    "end",
    "intents",
    "if",
    "then",
}
OPTION_FIELDS = {"id", "label", "goto", "intents", "set"}
PRIORITIES = ("normal", "elevated", "critical")
ENTITIES = ("city", "time")


def load_flows(
    flow_dir: Path,
    intents: Iterable[str],
    actions: Iterable[str],
    required: Iterable[str] = (),
    conditions: Iterable[str] = (),
) -> Flows:
    """Read every flow file; raise `ContentError` listing all problems found."""
    known_intents, known_actions = set(intents), set(actions) | {f"if:{c}" for c in conditions}
    problems: list[str] = []
    raw_nodes: dict[str, tuple[Path, dict[str, Any]]] = {}
    flow_files: dict[str, Path] = {}

    for path in sorted(flow_dir.glob("*.yml")):
        try:
            data = load_yaml(path)
        except (yaml.YAMLError, ContentError) as exc:
            problems.append(f"{path}: not valid YAML: {exc}")
            continue
        if not isinstance(data, dict) or not isinstance(data.get("nodes"), dict):
            problems.append(f"{path}: expected `flow: <name>` and a `nodes:` mapping")
            continue
        name = str(data.get("flow", ""))
        if not SLUG.match(name):
            problems.append(f"{path}: `flow` must be a lowercase slug (a-z, 0-9, _), got {name!r}")
            continue
        if name in flow_files:
            problems.append(f"{path}: duplicate flow id {name!r} (also in {flow_files[name]})")
            continue
        flow_files[name] = path
        for node_id, body in data["nodes"].items():
            if not SLUG.match(str(node_id)):
                problems.append(f"{path}: node {node_id!r}: ids are lowercase slugs (a-z, 0-9, _)")
                continue
            if not isinstance(body, dict):
                problems.append(f"{path}: node {node_id}: expected a mapping")
                continue
            raw_nodes[f"{name}.{node_id}"] = (path, body)

    nodes: dict[str, Node] = {}
    for qid, (path, body) in raw_nodes.items():
        node = _node(qid, path, body, raw_nodes, known_intents, known_actions, problems)
        if node is not None:
            nodes[qid] = node

    by_intent: dict[str, str] = {}
    for node in nodes.values():
        for intent in node.intents:
            if intent in by_intent:
                problems.append(
                    f"{node.file}: node {_local(node.qid)}: intent {intent!r} already starts "
                    f"{by_intent[intent]}"
                )
            else:
                by_intent[intent] = node.qid

    roots = set(by_intent.values())
    for qid in required:
        if qid not in nodes:
            problems.append(f"{flow_dir}: the required node {qid} is missing")
        roots.add(qid)
    reachable = _reachable(nodes, roots)
    for qid, node in nodes.items():
        if qid not in reachable:
            problems.append(
                f"{node.file}: node {_local(qid)}: unreachable (no option, `next` or intent "
                f"leads here)"
            )
    if problems:
        raise ContentError(problems)
    return Flows(nodes=nodes, by_intent=by_intent)


def _node(
    qid: str,
    path: Path,
    body: dict[str, Any],
    raw_nodes: dict[str, tuple[Path, dict[str, Any]]],
    intents: set[str],
    actions: set[str],
    problems: list[str],
) -> Node | None:
    flow, local = qid.split(".", 1)
    where = f"{path}: node {local}"
    before = len(problems)

    unknown = set(body) - NODE_FIELDS
    if unknown:
        problems.append(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")

    def text(field: str) -> Text | None:
        value = body.get(field)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where}: `{field}` must be a non-empty text")
            return None
        return Text.from_content(qid, value.strip())

    def target(value: object, what: str) -> str | None:
        if not isinstance(value, str) or not value:
            problems.append(f"{where}: {what} must name a node")
            return None
        resolved = value if "." in value else f"{flow}.{value}"
        if resolved not in raw_nodes:
            problems.append(f"{where}: {what} leads to unknown node {value!r}")
            return None
        return resolved

    say, ask = text("say"), text("ask")
    if say and ask:
        problems.append(f"{where}: a node either says or asks, not both")
    answer = body.get("answer")
    handoff, action = body.get("handoff"), body.get("action")
    condition = body.get("if")
    then = None
    if condition is not None:
        if f"if:{condition}" not in actions:
            known = sorted(a[3:] for a in actions if a.startswith("if:"))
            problems.append(f"{where}: unknown condition {condition!r} (known: {', '.join(known)})")
        then = target(body.get("then"), "`then`")
        if "next" not in body:
            problems.append(f"{where}: `if` needs `then` (when true) and `next` (when false)")
    elif "then" in body:
        problems.append(f"{where}: `then` goes with `if`")
    if not any((say, ask, answer, handoff, action, condition)):
        problems.append(
            f"{where}: give it something to do: say, ask, answer, handoff, action or if"
        )
    if answer is not None and not isinstance(answer, str):
        problems.append(f"{where}: `answer` must be a knowledge-base key")
    if action is not None and (action not in actions or action.startswith("if:")):
        known = sorted(a for a in actions if not a.startswith("if:"))
        problems.append(f"{where}: unknown action {action!r} (known: {', '.join(known)})")
    priority = str(body.get("priority", "normal"))
    if priority not in PRIORITIES:
        problems.append(f"{where}: priority must be one of {', '.join(PRIORITIES)}")
    directory = body.get("directory")
    if directory is not None and answer is None:
        problems.append(f"{where}: `directory` lists services after an `answer`")

    node_intents = tuple(str(i) for i in body.get("intents") or ())
    for intent in node_intents:
        if intent not in intents:
            problems.append(f"{where}: unknown intent {intent!r}")

    options: list[FlowOption] = []
    language_options = False
    raw_options = body.get("options")
    if raw_options == LANGUAGE_OPTIONS:
        language_options = True
    elif raw_options is not None:
        if not isinstance(raw_options, list) or not raw_options:
            problems.append(f"{where}: `options` must be a list (or `languages`)")
            raw_options = []
        seen: set[str] = set()
        for raw in raw_options:
            if not isinstance(raw, dict) or set(raw) - OPTION_FIELDS:
                problems.append(
                    f"{where}: each option has id, label, goto (and optional intents, set)"
                )
                continue
            option_id = str(raw.get("id", ""))
            if not SLUG.match(option_id):
                problems.append(f"{where}: option id {option_id!r} must be a lowercase slug")
                continue
            if option_id in seen:
                problems.append(f"{where}: duplicate option id {option_id!r}")
                continue
            seen.add(option_id)
            label = raw.get("label")
            if not isinstance(label, str) or not label.strip():
                problems.append(f"{where}: option {option_id}: `label` is missing")
                continue
            goto = target(raw.get("goto"), f"option {option_id}")
            option_intents = tuple(str(i) for i in raw.get("intents") or ())
            for intent in option_intents:
                if intent not in intents:
                    problems.append(f"{where}: option {option_id}: unknown intent {intent!r}")
            assigned = raw.get("set") or {}
            if not isinstance(assigned, dict) or not all(SLUG.match(str(k)) for k in assigned):
                problems.append(f"{where}: option {option_id}: `set` maps slot names to values")
                assigned = {}
            if goto:
                options.append(
                    FlowOption(
                        option_id,
                        Text.from_content(f"{qid}.{option_id}", label.strip()),
                        goto,
                        option_intents,
                        tuple((str(k), str(v)) for k, v in assigned.items()),
                    )
                )
    if (options or language_options) and not (ask or answer):
        problems.append(f"{where}: options need a question: add `ask` (or `answer`)")
    slot = body.get("slot")
    if slot is not None and (not isinstance(slot, str) or not SLUG.match(slot)):
        problems.append(f"{where}: `slot` must be a lowercase slug")
    if slot is not None and (options or not ask):
        problems.append(f"{where}: a slot is filled by the answer to an `ask` without options")
    if slot is not None and "next" not in body:
        problems.append(f"{where}: a slot needs `next`: where to go once it is filled")
    entity = body.get("entity")
    if entity is not None and entity not in ENTITIES:
        problems.append(f"{where}: unknown entity {entity!r} (known: {', '.join(ENTITIES)})")
    next_node = target(body["next"], "`next`") if "next" in body else None
    if ask and raw_options is None and slot is None:
        problems.append(f"{where}: `ask` needs `options` or a `slot` for the answer")
    if (options or language_options or slot) and next_node and not slot and not language_options:
        problems.append(f"{where}: with options, the options say where to go; remove `next`")

    if len(problems) > before:
        return None
    return Node(
        qid=qid,
        file=path,
        say=say,
        ask=ask,
        answer=answer,
        directory=str(directory) if directory else None,
        options=tuple(options),
        language_options=language_options,
        slot=slot,
        entity=entity,
        handoff=str(handoff) if handoff else None,
        priority=priority,
        action=str(action) if action else None,
        condition=str(condition) if condition else None,
        then=then,
        next=next_node,
        end=bool(body.get("end", False)),
        intents=node_intents,
    )


def _reachable(nodes: dict[str, Node], roots: set[str]) -> set[str]:
    seen: set[str] = set()
    todo = [r for r in roots if r in nodes]
    while todo:
        qid = todo.pop()
        if qid in seen or qid not in nodes:
            continue
        seen.add(qid)
        node = nodes[qid]
        todo.extend(o.goto for o in node.options)
        todo.extend(n for n in (node.next, node.then) if n)
    return seen


def _local(qid: str) -> str:
    return qid.split(".", 1)[1]
