from __future__ import annotations

import pytest

from nlu.concepts import concept_names
from nlu.features import featurise, skeleton
from nlu.normalise import normalise
from nlu.patterns import keywords


@pytest.mark.parametrize(
    ("arabizi", "arabic"),
    [
        ("m7taj", "محتاج"),
        ("musa3ada", "مساعدة"),
        ("lmaw3id", "الموعد"),
        ("bghit", "بغيت"),
        ("khdma", "خدمة"),
        ("9ader", "قادر"),
        ("ta7arroch", "تحرش"),
    ],
)
def test_both_scripts_share_a_skeleton(arabizi: str, arabic: str) -> None:
    assert skeleton(normalise(arabizi)) == skeleton(normalise(arabic))


def test_different_words_keep_different_skeletons() -> None:
    assert skeleton("khdma") != skeleton("m7taj")
    assert skeleton("محامي") != skeleton("مساعده")


def test_a_phrase_in_either_script_shares_word_and_pair_features() -> None:
    latin = set(featurise(normalise("bghit n3ref")))
    arabic = set(featurise(normalise("بغيت نعرف")))
    shared = {f for f in latin & arabic if f.startswith(("s ", "sb "))}
    assert shared == {"s bGt", "s n3rf", "sb bGt n3rf"}


@pytest.mark.parametrize(
    ("text", "concept", "present"),
    [
        ("كاين الدم بزاف", "bleeding", True),
        ("بغيت خدمه", "bleeding", False),  # "دم" inside "خدمه" (work)
        ("شربت السم", "method", True),
        ("شحال السميك دابا", "method", False),  # "سم" inside "السميك" (minimum wage)
        ("هل الموسيقى حرام", "method", False),  # "الموس" inside "الموسيقى"
        ("عندي الموس فيدي", "method", True),
        ("ولدي ضاع", "missing", True),
        ("شو احسن تلفون", "missing", False),  # "تلف" inside "تلفون"
        ("الاوضاع صعبه", "missing", False),  # "ضاع" inside "الاوضاع"
        # A dialect present-tense prefix on a short keyword: "is strangling me".
        ("جوزي بيخنقني", "violence", True),
        ("واحد كيخنق صاحبي", "violence", True),
        ("اسمي محمد", "method", False),  # "سم" after "ا" is "name", not poison
    ],
)
def test_short_arabic_keywords_are_words_not_fragments(
    text: str, concept: str, present: bool
) -> None:
    assert (concept in concept_names(normalise(text))) is present


def test_short_arabic_keywords_take_clitics() -> None:
    blood = keywords("", "دم")
    for text in ("دم", "الدم", "بالدم", "ودمي", "دمها كيسيل"):
        assert blood.search(text), text
    assert not blood.search("خدمه")


@pytest.mark.parametrize(
    ("text", "concept", "present"),
    [
        # Arabizi writes the article on the word, and the sun letters double.
        ("rajli 3m9 3liya lmous", "violence", True),
        ("tab3ini b ssekkin", "violence", True),
        ("3ndi lbenzine w lbriquet", "method", True),
        ("ddwa kaml f jibi", "method", True),
        ("lwlad bo7dhom", "child", True),
        # ...but a French word that only looks like one keeps its meaning: tears are not arms.
        ("je suis en larmes", "violence", False),
        ("already done thanks", "plan", False),
    ],
)
def test_arabizi_article_is_read_through(text: str, concept: str, present: bool) -> None:
    assert (concept in concept_names(normalise(text))) is present
