from __future__ import annotations

import numpy as np
import pytest

from nlu.model import Model
from nlu.normalise import normalise
from nlu.risk import Thresholds, decide


@pytest.mark.parametrize(
    "text",
    [
        "je vais me tuer ce soir",
        "je ne veux plus me réveiller",
        "il me frappe maintenant, aidez moi",
        "mon bébé ne respire plus",
        "I want to kill myself",
        "he is beating me right now",
        "my friend is unconscious and not breathing",
        "بغيت نموت",
        "غادي نقتل راسي الليلة",
        "ولدي ما كيتنفسش",
        "bghit nmout",
        "ghadi n9tel rasi lyouma",
        "rajli kaydrbni daba",
    ],
)
def test_critical(model: Model, text: str) -> None:
    assert model.parse(text).risk == "critical"


@pytest.mark.parametrize(
    "text",
    [
        "this heat is killing me",
        "je meurs de faim",
        "tu me tues avec tes questions",
        "I'm dying to see my family",
        "قتلني الجوع",
        "9tlni jo3",
        "bonjour je cherche un avocat",
        "merci beaucoup",
    ],
)
def test_idioms_and_ordinary_messages_are_not_critical(model: Model, text: str) -> None:
    assert model.parse(text).risk != "critical"


@pytest.mark.parametrize(
    "text",
    [
        "I don't want to kill myself, I just need papers",
        "je ne vais pas me tuer, je veux juste un logement",
        "ما بغيتش نموت، بغيت غير الوراق",
        "ma bghitch nmout, bghit ghir khedma",
    ],
)
def test_negation_is_not_critical(model: Model, text: str) -> None:
    assert model.parse(text).risk != "critical"


@pytest.mark.parametrize(
    "text",
    [
        "last year I wanted to die but now I'm better",
        "l'année dernière je voulais mourir, maintenant ça va mieux",
        "العام اللي فات كنت بغيت نموت ولكن دابا الحمد لله مزيان",
    ],
)
def test_past_and_resolved_events_are_not_critical(model: Model, text: str) -> None:
    assert model.parse(text).risk != "critical"


def test_idioms_are_calm(model: Model) -> None:
    calm = ["this heat is killing me", "je meurs de faim", "قتلني الجوع"]
    assert sum(model.parse(t).risk == "none" for t in calm) >= 2


@pytest.mark.parametrize("text", ["stop", "STOP", "khalas", "خلاص", "safi", "ok bye"])
def test_short_words_that_end_a_conversation_are_not_critical(model: Model, text: str) -> None:
    assert model.parse(text).risk != "critical"


def test_short_rule_needs_no_danger_and_keeps_curated_phrases() -> None:
    sure = np.array([0.0, 0.0, 1.0], dtype=np.float32)
    th = Thresholds(critical=0.1, elevated=0.5)
    # Three words naming no danger: the model alone may not call it critical...
    assert decide(normalise("ana ghadi db"), sure, th) != "critical"
    # ...but one that names a danger may, and so may a curated phrase, however short.
    assert decide(normalise("bla3t l7bob"), sure, th) == "critical"
    assert decide(normalise("je vais me suicider"), np.zeros(3, np.float32), th) == "critical"
    # A longer message without a named danger still can, with enough confidence.
    assert decide(normalise("ana ghadi db w safi"), sure, th) == "critical"
