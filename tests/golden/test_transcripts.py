"""Golden transcripts: the shipped content and the real NLU, line by line as `sanad chat --jsonl`.

A change of wording or routing shows up as a diff to review; rewrite the expectations with
`SANAD_UPDATE_GOLDEN=1` once the change is right."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from anyio.from_thread import BlockingPortal

from bot.cli import _chat_jsonl
from bot.runtime import Runtime
from bot.settings import DEFAULT_CONTENT_DIR

HERE = Path(__file__).resolve().parent
SCENARIOS = yaml.safe_load((HERE / "scenarios.yml").read_text(encoding="utf-8"))
MONDAY_MORNING = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # counsellors are in


def lines_of(scenario: list[object]) -> list[str]:
    return [
        item if isinstance(item, str) else json.dumps(item, ensure_ascii=False) for item in scenario
    ]


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_golden_transcript(
    name: str, make_runtime: Callable[..., Runtime], portal: BlockingPortal
) -> None:
    runtime = make_runtime(
        content_dir=DEFAULT_CONTENT_DIR,
        opening_hours="mon-fri 09:00-17:00",
        clock=lambda: MONDAY_MORNING,
        parse=None,
    )
    out = io.StringIO()
    portal.call(
        _chat_jsonl,
        runtime,
        io.StringIO("\n".join(lines_of(SCENARIOS[name])) + "\n"),
        out,
        "webchat",
    )
    got = [json.loads(line) for line in out.getvalue().splitlines()]
    for line in got:  # ticket ids depend on nothing else in the scenario, but keep them readable
        if line.get("ticket"):
            line["ticket"]["id"] = "<id>"
    expected_file = HERE / f"{name}.jsonl"
    if os.environ.get("SANAD_UPDATE_GOLDEN"):
        expected_file.write_text(
            "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in got), encoding="utf-8"
        )
    expected = [json.loads(line) for line in expected_file.read_text(encoding="utf-8").splitlines()]
    assert len(got) == len(expected) == len(SCENARIOS[name])
    for number, (line, want) in enumerate(zip(got, expected, strict=True), 1):
        assert line == want, f"{name}, line {number}: {SCENARIOS[name][number - 1]!r}"
