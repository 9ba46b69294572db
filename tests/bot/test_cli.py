"""`sanad chat --jsonl`: one JSON line out for every line in, exactly the contract's shape."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

from anyio.from_thread import BlockingPortal

from bot.cli import _chat_jsonl, build_parser
from bot.runtime import Runtime

from .conftest import KeywordParser

KEYS = ["contact", "language", "intent", "risk", "state", "replies", "ticket"]


def chat(runtime: Runtime, portal: BlockingPortal, lines: list[str]) -> list[dict]:  # type: ignore[type-arg]
    out = io.StringIO()
    portal.call(_chat_jsonl, runtime, io.StringIO("\n".join(lines) + "\n"), out, "webchat")
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_jsonl_follows_the_contract(
    make_runtime: Callable[..., Runtime], portal: BlockingPortal
) -> None:
    runtime = make_runtime(parse=KeywordParser())
    outputs = chat(
        runtime,
        portal,
        [
            "i need a lawyer",
            json.dumps({"contact": "c1", "text": "j'ai besoin d'un avocat"}),
            json.dumps({"contact": "c1", "option": "legal.start:where"}),
            json.dumps({"contact": "c2", "text": "i want to kill myself"}),
            "{broken",
            json.dumps({"contact": "c1"}),
            json.dumps({"contact": 3, "text": "x"}),
            json.dumps({"contact": "c3", "text": "i want a human", "channel": "sms"}),
        ],
    )
    assert len(outputs) == 8
    first, french, option, critical, broken, empty, bad_contact, sms = outputs
    assert list(first) == KEYS
    assert first["contact"] == "cli" and first["intent"] == "legal_aid" and first["ticket"] is None
    assert first["replies"][-1] == {
        "text": "Legal aid gives a lawyer.",
        "options": [
            {"id": "legal.start:where", "label": "Where?"},
            {"id": "legal.start:menu", "label": "Main menu"},
        ],
    }
    assert french["language"] == "fr" and french["state"] == "bot"
    assert option["replies"][0]["text"] == "Des associations aident."
    assert critical["risk"] == "critical" and critical["state"] == "queued"
    assert critical["ticket"] == {
        "id": critical["ticket"]["id"],
        "priority": "critical",
        "reason": "critical_risk",
    }
    assert broken == {"error": broken["error"]} and "not valid JSON" in broken["error"]
    assert "give `text` or `option`" in empty["error"]
    assert "`contact`" in bad_contact["error"]
    assert sms["state"] == "queued" and sms["ticket"]["priority"] == "normal"


def test_the_command_line_offers_every_documented_command() -> None:
    parser = build_parser()
    for argv in (
        ["run", "--port", "8001"],
        ["chat", "--jsonl", "--database", "sqlite://"],
        ["db", "upgrade"],
        ["content", "check"],
        ["nlu", "parse", "--jsonl"],
        ["nlu", "train"],
        ["nlu", "evaluate"],
    ):
        assert hasattr(parser.parse_args(argv), "func"), argv
