from __future__ import annotations

from pathlib import Path

import pytest

from nlu import train
from nlu.data import DataError, load_all, parse_annotated
from nlu.loader import is_fresh
from nlu.model import Model
from nlu.trainer import CONCERN_INTENTS
from nlu.types import INTENTS


def test_annotations_are_parsed() -> None:
    text, spans = parse_annotated(
        'avocat a [casa](city) et [Rabat]{"entity": "city", "value": "Rabat"}'
    )
    assert text == "avocat a casa et Rabat"
    assert [(text[s.start : s.end], s.entity, s.value) for s in spans] == [
        ("casa", "city", None),
        ("Rabat", "city", "Rabat"),
    ]
    text, spans = parse_annotated("[Casa](city:Casablanca)")
    assert (text, spans[0].value) == ("Casa", "Casablanca")


def test_loader_reads_rasa_items(tiny_data: Path) -> None:
    data = load_all(tiny_data)
    assert {e.intent for e in data.examples} == {"greet", "legal_aid", "out_of_scope"}
    assert data.synonyms["casa"] == "Casablanca"
    assert data.lookups["city"] == ["Rabat"]
    assert {r.level for r in data.risk} == {"none", "elevated", "critical"}
    assert all(e.language == "fr" for e in data.examples)


def test_unknown_intent_is_a_clear_error(tiny_data: Path) -> None:
    path = tiny_data / "fr" / "bad.yml"
    path.write_text('version: "3.1"\nnlu:\n- intent: weather\n  examples: |\n    - rain\n')
    with pytest.raises(DataError, match="unknown intent 'weather'"):
        load_all(tiny_data)


def test_training_is_deterministic(tiny_data: Path, tmp_path: Path) -> None:
    a = train(tiny_data, tmp_path / "a")
    b = train(tiny_data, tmp_path / "b")
    files = sorted(p.name for p in a.iterdir())
    assert files == sorted(p.name for p in b.iterdir())
    for name in files:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_tiny_model_works(tiny_data: Path, tmp_path: Path) -> None:
    model = Model.load(train(tiny_data, tmp_path / "m"))
    assert model.parse("bonjour").intent == "greet"
    assert model.parse("avocat gratuit").intent == "legal_aid"


def test_model_goes_stale_when_data_changes(tiny_data: Path, tmp_path: Path) -> None:
    out = train(tiny_data, tmp_path / "m")
    assert is_fresh(out, tiny_data)
    with open(tiny_data / "fr" / "nlu.yml", "a", encoding="utf-8") as fh:
        fh.write("    - coucou\n")
    assert not is_fresh(out, tiny_data)


def test_concern_intents_are_intents() -> None:
    # A misspelt name would silently teach the risk head that its messages are calm.
    assert set(INTENTS) > CONCERN_INTENTS
