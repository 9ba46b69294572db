from __future__ import annotations

import random

import pytest

from nlu.features import featurise
from nlu.model import Model
from nlu.normalise import normalise


def test_empty_is_out_of_scope(model: Model) -> None:
    parse = model.parse("")
    assert parse.intent == "out_of_scope"
    assert not parse.understood
    assert parse.risk == "none"


@pytest.mark.parametrize(
    "text",
    [
        "   ",
        "🙏🙏🙏",
        "😭😭",
        "?!?!...",
        "\x00\x01\x02\x7f",
        "\ufffd\ufffd\ufffd",
        "مرحبا hello bonjour 你好 привет",
        "a" * 5000,
        "\ud800 lone surrogate",
        "ok " * 2000,
    ],
)
def test_odd_input_gets_an_answer(model: Model, text: str) -> None:
    parse = model.parse(text)
    assert parse.intent
    assert parse.language in ("fr", "ar", "en")
    assert parse.risk in ("none", "elevated", "critical")


def test_100_kb_of_text(model: Model) -> None:
    text = ("je cherche un avocat pour mon frere " * 3000)[:100_000]
    parse = model.parse(text)
    assert parse.intent == "legal_aid"
    assert parse.text == text


def test_binary_junk(model: Model) -> None:
    rng = random.Random(7)
    for _ in range(20):
        junk = bytes(rng.randrange(256) for _ in range(300)).decode("utf-8", errors="replace")
        assert model.parse(junk).intent


def test_non_string_input_does_not_raise(model: Model) -> None:
    assert model.parse(None).intent == "out_of_scope"  # type: ignore[arg-type]
    assert model.parse(12345).intent  # type: ignore[arg-type]


def test_random_characters_are_not_a_crisis(model: Model) -> None:
    # 4,096 characters of random letters hit danger words by chance; the model does not know the
    # language, so only a curated phrase may raise the level.
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789     ابتثجحخدذرزسشصضطظعغفقكلمنهوي     "
    for seed in range(10):
        rng = random.Random(seed)
        junk = "".join(rng.choice(alphabet) for _ in range(100_000))
        assert model.parse(junk).risk == "none", seed


def test_a_long_real_message_is_still_judged_by_the_model(model: Model) -> None:
    text = (
        "salam khti bghit nsowlek 3la lwra9 dyal l inscription dyal weldi f lmadrasa walakin "
        "daba ana wa9fa fo9 l9ntra dyal rabat sla w lma ta7ti w bghit ghir n9oul lkom bslama"
    )
    assert model.known_share(featurise(normalise(text))) > 0.7
    assert model.parse(text).risk == "critical"
