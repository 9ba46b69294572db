from __future__ import annotations

import numpy as np
import pytest

from nlu.model import Model
from nlu.normalise import normalise
from nlu.risk import WINDOW_CRITICAL, WINDOW_MIN_WORDS, Thresholds, decide, pool, signals, windows
from nlu.risk_lexicon import Lexicon


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
        "الشمس قتلاتنا اليوم",
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


# Curated phrases alone (no model): each family added in stop 10, with the everyday message
# that shares its words and must not become critical on a phrase.
@pytest.mark.parametrize(
    ("text", "critical"),
    [
        # Killing oneself in the present tense, not working oneself to death.
        ("gbe c fini je me tue ce soir", True),
        ("je me tue au travail pour rien", False),
        # A strike to death: "not" before "stop" does not undo "until I die".
        ("day 19 no food i will not stop until i die", True),
        ("9eme jour je continue jusqu a la mort", True),
        # A message to be read after one is gone: "when" is not a habit here.
        ("mli t9raw had lmessage ghadi nkoun mchit", True),
        ("si vous le lisez c est que je suis parti", True),
        # A boat sinking now, not the news of one that sank.
        ("le bateau coule on est 50 avec des enfants", True),
        ("les infos disent qu un bateau a coule pres de nador", False),
        # Held since yesterday is held now; held last year is over.
        ("la madame m a enfermee dans la salle de bain depuis hier", True),
        ("l annee derniere j etais enfermee par mon patron", False),
        # Held by the police is a legal emergency; beaten by the police now stays critical.
        ("je suis enferme au commissariat depuis hier", False),
        ("البوليس كيضربونا دابا فالغابة واحد طاح وما بقاش كينوض", True),
        # A negation three Arabic words back belongs to another clause...
        ("الليله ما عاد فيني بلعت الحبوب تبع اخي", True),
        # ...but one glued to the phrase's word still negates it.
        ("ما كنفكرش فالانتحار غير محتاج طبيب لضهري", False),
        ("ما فكرت قط نقتل راسي", False),
        # Yemeni "I want to die now", a pattern that mixes no scripts.
        ("ashti amut dhel7in", True),
        # A child gone missing; a child begging at the traffic light is not an emergency phrase.
        ("ma fille de 12 ans a disparu depuis hier", True),
        ("l enfant de ma voisine mendie au feu rouge", False),
        # Burning oneself, not a hand scalded by hot water.
        ("كويت حالي بالمكواه", True),
        ("تحرقت يدي بالما السخون", False),
        # Followed right now, not harassed on market days.
        ("kaytb3ouni f zn9a jouj w ana kanjri", True),
        ("un homme me suit et me harcele au marche", False),
        # Laughter makes a phrase a joke; being held every night is still being held.
        ("je vais me tuer mdr", False),
        ("i no go kill myself for dis job again 😂", False),
        ("kidnapped, they lock us in every night", True),
        # Choking: a child, not the kitchen smoke.
        ("ابني عمره سنتين عم يختنق", True),
        ("the kitchen smoke is choking me lol", False),
    ],
)
def test_curated_phrase_families(text: str, critical: bool) -> None:
    assert signals(normalise(text)).critical is critical


def test_an_alternative_mixing_scripts_is_refused() -> None:
    # Alternatives are filed by script; one holding both would silently never match Latin text.
    with pytest.raises(ValueError, match="mixes Arabic and Latin"):
        Lexicon((r"(نموت|mout)",))
    # Top-level alternatives of one pattern are split, so this is fine.
    assert Lexicon((r"نموت|\bmout\b",)).search("bghit mout")


@pytest.mark.parametrize(
    ("text", "critical"),
    [
        ("the boss padlocked the warehouse and says nobody leaves till our families pay", True),
        ("no one leaves the camp after 10pm, it is the rule of the association", False),
    ],
)
def test_held_until_paid_is_not_a_curfew(text: str, critical: bool) -> None:
    assert signals(normalise(text)).critical is critical


def test_long_messages_are_also_read_in_windows() -> None:
    short = " ".join(["mot"] * (WINDOW_MIN_WORDS - 1))
    assert windows(short) == []
    words = [f"w{i}" for i in range(WINDOW_MIN_WORDS + 3)]
    parts = windows(" ".join(words))
    # Overlapping by half, and every word is in one.
    assert parts[0].split()[4:] == parts[1].split()[:4]
    assert {w for p in parts for w in p.split()} == set(words)


def test_a_window_speaks_for_the_message_only_when_sure() -> None:
    whole = np.array([0.8, 0.15, 0.05], dtype=np.float32)
    unsure = np.array([[0.5, 0.3, 0.2], [0.3, 0.1, WINDOW_CRITICAL - 0.01]], dtype=np.float32)
    sure = np.array([[0.5, 0.3, 0.2], [0.1, 0.1, 0.8]], dtype=np.float32)
    assert pool(whole, unsure) is whole
    assert pool(whole, sure).tolist() == sure[1].tolist()
    assert pool(whole, np.zeros((0, 3), dtype=np.float32)) is whole


_PAPERWORK = (
    "bonjour madame j espere que vous allez bien je voulais demander pour le rendez vous a la "
    "prefecture pour la carte de sejour de mon mari et aussi le certificat de scolarite de ma "
    "fille que le directeur demande encore "
)
_THANKS = " merci pour tout ce que vous avez fait pour nous depuis deux ans"


def test_danger_buried_in_a_long_message_is_found(model: Model) -> None:
    buried = _PAPERWORK + "ce soir je prends toutes les pilules que j ai gardees" + _THANKS
    assert len(normalise(buried).split()) >= WINDOW_MIN_WORDS
    assert model.parse(buried).risk == "critical"
    # The same letter without that sentence is ordinary.
    assert model.parse(_PAPERWORK + _THANKS).risk != "critical"
