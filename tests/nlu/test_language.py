from __future__ import annotations

import pytest

from nlu.model import Model


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("bghit n3ref", "ar"),
        ("ana m7taj musa3ada", "ar"),
        ("salam khouya bghit avocat 3afak", "ar"),
        ("wach kayn chi association f casa", "ar"),
        ("shu a3mel", "ar"),
        ("مساعدة", "ar"),
        ("بغيت avocat", "ar"),
        ("merci", "fr"),
        ("jai besoin dun avocat", "fr"),
        ("je veux parler a quelqu un", "fr"),
        ("help", "en"),
        ("pls i need help", "en"),
        ("i need a lawyer", "en"),
        ("where can I sleep tonight", "en"),
    ],
)
def test_language(model: Model, text: str, language: str) -> None:
    assert model.parse(text).language == language


def test_arabic_script_is_sure(model: Model) -> None:
    parse = model.parse("أريد مساعدة")
    assert parse.language == "ar"
    assert parse.language_sure


@pytest.mark.parametrize("text", ["ok", "2511", "🙏", "?"])
def test_ambiguous_short_messages_are_not_sure(model: Model, text: str) -> None:
    # The engine keeps the conversation's language when the NLU is not sure.
    assert not model.parse(text).language_sure


def test_confidence_is_a_probability(model: Model) -> None:
    for text in ["merci", "ok", "bghit n3ref", "help me please"]:
        parse = model.parse(text)
        assert 0.0 <= parse.language_confidence <= 1.0
        assert 0.0 <= parse.confidence <= 1.0
