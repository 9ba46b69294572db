"""The RE2 set matcher gives exactly the answers of Python's `re`, pattern by pattern."""

from __future__ import annotations

import re

import pytest

from nlu import risk_lexicon
from nlu.concepts import CONCEPTS
from nlu.data import DEFAULT_DATA_DIR, load_all
from nlu.intent_lexicon import TOPICS
from nlu.normalise import normalise
from nlu.patterns import PatternSet, keywords

LEXICONS = {
    "concepts": CONCEPTS,
    "topics": TOPICS,
    "risk phrases": risk_lexicon.LEXICONS,
}


@pytest.fixture(scope="module")
def norms() -> list[str]:
    data = load_all(DEFAULT_DATA_DIR)
    texts = [e.text for e in data.examples] + [r.text for r in data.risk]
    extra = [
        "",
        "ok",
        "😀😀",
        "casa طنجة mixed scripts غادي نقتل راسي daba",
        "\x00\x01 binary ÿþ",
        "je cherche un avocat " * 500,
    ]
    return [normalise(t) for t in texts + extra]


@pytest.mark.parametrize("lexicon", LEXICONS)
def test_re2_set_agrees_with_re_on_every_training_text(lexicon: str, norms: list[str]) -> None:
    patterns = LEXICONS[lexicon]
    fast, slow = PatternSet(patterns), PatternSet(patterns, fast=False)
    assert fast.fast and not slow.fast
    differ = [(n, fast.present(n), slow.present(n)) for n in norms]
    differ = [d for d in differ if d[1] != d[2]]
    assert not differ, differ[:5]
    assert any(fast.present(n) for n in norms)


def test_unicode_word_class_matches_arabic_letters() -> None:
    pattern = keywords("", r"اخر مره (?:ن|ت)?\w*(?:هضر|تكلم)")
    both = PatternSet({"p": pattern}), PatternSet({"p": pattern}, fast=False)
    for ps in both:
        assert ps.present(normalise("هادي آخر مرة نهضرو")) == ["p"]
        assert ps.present(normalise("آخر مرة جيت")) == []


def test_latin_word_glued_to_arabic_is_a_word_for_re2() -> None:
    # The one documented difference: RE2's \b is ASCII, so "daba" right after an Arabic letter
    # is a word to RE2 and not to `re`. Normalised text rarely glues scripts; when it does,
    # RE2's reading is the one a person would make.
    text = normalise("راسيdaba")
    assert PatternSet({"now": CONCEPTS["now"]}).present(text) == ["now"]
    assert PatternSet({"now": CONCEPTS["now"]}, fast=False).present(text) == []


def test_order_and_absence() -> None:
    ps = PatternSet({"b": re.compile(r"\bbeta\b"), "a": re.compile(r"\balpha\b")})
    assert ps.present("alpha and beta") == ["b", "a"]
    assert ps.present("alphabet") == []
    assert PatternSet({}).present("anything") == []


def test_a_keyword_listed_twice_is_refused() -> None:
    # A repeated alternative is a sign of two lists merged by hand; it would hide an edit made
    # to one copy only.
    with pytest.raises(ValueError, match="listed twice"):
        keywords("corde|rope|corde")
    with pytest.raises(ValueError, match="listed twice"):
        keywords("rope", "حبل|الحبل|حبل")
    assert keywords("corde|rope", "حبل").search("une corde")
