"""Shared fixtures: one model trained per test session from the real nlu/data, in a tmp dir."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from nlu import loader
from nlu.model import Model
from nlu.trainer import train

HELDOUT = Path(__file__).parent / "heldout"


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return train(out=tmp_path_factory.mktemp("nlu_model"))


@pytest.fixture(scope="session")
def model(model_dir: Path) -> Model:
    return Model.load(model_dir)


@pytest.fixture
def shared_model(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Model]:
    """get_model() pointed at the session model, with the cache reset around the test."""
    monkeypatch.setenv("SANAD_NLU_MODEL", str(model_dir))
    monkeypatch.delenv("NLU_BACKEND", raising=False)
    loader.reset()
    yield loader.get_model()
    loader.reset()


TINY_NLU = """\
version: "3.1"
nlu:
- intent: greet
  examples: |
    - bonjour
    - salut
    - bonsoir a vous
    - hello
- intent: legal_aid
  examples: |
    - j'ai besoin d'un avocat
    - jai besoin dun avocat a [casa](city)
    - un avocat gratuit a [Rabat]{"entity": "city", "value": "Rabat"}
    - aide juridique svp
- intent: out_of_scope
  examples: |
    - quel temps fait il
    - tu aimes le foot
    - raconte une blague
    - cest quoi bitcoin
- synonym: Casablanca
  examples: |
    - casa
"""
TINY_RISK = """\
risk:
- level: critical
  text: je vais me tuer ce soir
- level: critical
  text: il me frappe maintenant aidez moi
- level: elevated
  text: je n'en peux plus de cette vie
- level: elevated
  text: mon mari m'a frappee l'annee derniere
- level: none
  text: cette chaleur me tue
- level: none
  text: je meurs de faim
"""


@pytest.fixture
def tiny_data(tmp_path: Path) -> Path:
    """A minimal data dir (data/fr/nlu.yml + risk_data/fr.yml) that trains in about a second."""
    data = tmp_path / "data"
    (data / "fr").mkdir(parents=True)
    (data / "fr" / "nlu.yml").write_text(TINY_NLU, encoding="utf-8")
    (data / "cities.yml").write_text(
        'version: "3.1"\nnlu:\n- lookup: city\n  examples: |\n    - Rabat\n', encoding="utf-8"
    )
    risk = tmp_path / "risk_data"
    risk.mkdir()
    (risk / "fr.yml").write_text(TINY_RISK, encoding="utf-8")
    return data
