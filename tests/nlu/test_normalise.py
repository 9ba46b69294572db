from __future__ import annotations

import pytest

from nlu import normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("J'ai besoin d'un AVOCAT à Casa!!", "j ai besoin d un avocat a casa"),
        ("jai besoin dun avocat svp", "j ai besoin d un avocat s il vous plait"),
        ("Ça va? Œuvre, élève, être", "ca va oeuvre eleve etre"),
        ("pk tu reponds pas stp", "pourquoi tu reponds pas s il te plait"),
        ("bcp de problemes dc", "beaucoup de problemes donc"),
        ("pls i need help u know", "please i need help you know"),
        ("I don’t want", "i don t want"),
        ("pleeeease helppp", "please help"),
        # Arabic: diacritics, tatweel, alef / yeh / teh marbuta variants, Eastern digits
        ("أُرِيدُ مُسَاعَدَةً", "اريد مساعده"),
        ("مساعـــــدة", "مساعده"),
        ("إقامة آمنة على", "اقامه امنه علي"),
        ("اتصل ب ٢٥١١ او ۱۹", "اتصل ب 2511 او 19"),
        # Arabizi keeps its digits (they are letters)
        ("Bghit n3ref 3afak, ana m7taj", "bghit n3ref 3afak ana m7taj"),
        ("salam khouya ki dayr", "salam khouya ki dayr"),
        # control characters and invisible marks out
        ("abc\x00\x07def\u200f", "abc def"),
        ("zero\u200bwidth", "zerowidth"),
        ("", ""),
        ("   \n\t ", ""),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_same_word_many_spellings() -> None:
    forms = ["j'ai besoin", "jai besoin", "J’ai BESOIN", "g besoin"]
    assert len({normalise(f) for f in forms}) == 1


def test_emoji_are_kept_as_tokens() -> None:
    assert normalise("merci🙏🙏") == "merci 🙏 🙏"


def test_idempotent() -> None:
    for text in ["J'ai besoin d'un avocat à Salé", "أُرِيدُ مُسَاعَدَةً", "bghit n3ref"]:
        once = normalise(text)
        assert normalise(once) == once
