from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import nlu
from nlu.model import Model


def test_public_api() -> None:
    for name in [
        "Parse",
        "Entity",
        "INTENTS",
        "LANGUAGES",
        "RISK_LEVELS",
        "Language",
        "Risk",
        "get_model",
        "normalise",
        "train",
        "REGIONS",
        "region_of",
    ]:
        assert name in nlu.__all__
        assert hasattr(nlu, name)
    assert len(nlu.INTENTS) == 28


def test_get_model_is_cached_and_thread_safe(shared_model: Model) -> None:
    with ThreadPoolExecutor(8) as pool:
        models = list(pool.map(lambda _: nlu.get_model(), range(16)))
    assert all(m is shared_model for m in models)


def test_parse_flags(shared_model: Model) -> None:
    parse = shared_model.parse("j'ai besoin d'un avocat")
    assert parse.intent == "legal_aid"
    assert parse.understood
    assert parse.language == "fr" and parse.language_sure
    gibberish = shared_model.parse("xq zzv")
    assert not gibberish.understood or gibberish.intent == "out_of_scope"


def test_to_dict_rounds(shared_model: Model) -> None:
    d = shared_model.parse("merci").to_dict()
    assert d["confidence"] == round(float(d["confidence"]), 4)  # type: ignore[arg-type]
