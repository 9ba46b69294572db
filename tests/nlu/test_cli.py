from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from nlu import cli
from nlu.model import Model

KEYS = ["text", "language", "language_confidence", "intent", "confidence", "entities", "risk"]


def run_jsonl(lines: str, shared_model: Model) -> list[dict[str, object]]:
    out = io.StringIO()
    cli.parse_stream(io.StringIO(lines), out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_jsonl_shape_is_the_contract(shared_model: Model) -> None:
    rows = run_jsonl('bghit avocat f wjda\n{"text": "merci"}\n', shared_model)
    assert len(rows) == 2
    first = rows[0]
    assert list(first) == KEYS
    assert first["text"] == "bghit avocat f wjda"
    assert first["language"] == "ar"
    assert isinstance(first["language_confidence"], float)
    assert first["intent"] == "legal_aid"
    assert isinstance(first["confidence"], float)
    assert first["entities"] == [{"entity": "city", "value": "Oujda", "region": "L'Oriental"}]
    assert first["risk"] == "none"
    assert rows[1]["text"] == "merci"
    assert rows[1]["intent"] == "thanks"


def test_jsonl_one_line_out_per_line_in(shared_model: Model) -> None:
    rows = run_jsonl('\n{"other": 1}\n{not json\n[1, 2]\n', shared_model)
    assert len(rows) == 4
    assert rows[0]["intent"] == "out_of_scope"
    assert "error" in rows[1]
    assert rows[2]["text"] == "{not json"
    assert "error" not in rows[3] or rows[3]["error"]


def test_plain_parse(shared_model: Model, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["parse", "i", "need", "a", "lawyer"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == KEYS
    assert out["intent"] == "legal_aid"


def test_parse_without_text_explains(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["parse"]) == 2
    assert "--jsonl" in capsys.readouterr().err


def test_module_entry_point(model_dir: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "nlu.cli", "parse", "--jsonl"],
        input="salam\n",
        capture_output=True,
        text=True,
        env={"SANAD_NLU_MODEL": str(model_dir), "PATH": ""},
        timeout=60,
        check=True,
    )
    assert list(json.loads(proc.stdout)) == KEYS
