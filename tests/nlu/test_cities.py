from __future__ import annotations

import pytest

from nlu import REGIONS, region_of
from nlu.model import Model


def cities(model: Model, text: str) -> list[str]:
    return [e.value for e in model.parse(text).entities if e.entity == "city"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jai besoin dun avocat a Casa", ["Casablanca"]),
        ("ana f dar bida", ["Casablanca"]),
        ("كنسكن في الدار البيضاء", ["Casablanca"]),
        ("فكازا", ["Casablanca"]),
        ("I live in Tangiers", ["Tanger"]),
        ("ana f tanja", ["Tanger"]),
        ("أنا في طنجة", ["Tanger"]),
        ("bghit avocat f fez", ["Fès"]),
        ("ana f fes", ["Fès"]),
        ("je suis à Fès", ["Fès"]),
        ("انا ساكن ف فاس", ["Fès"]),
        ("Meknes", ["Meknès"]),
        ("wjda", ["Oujda"]),
        ("بغيت محامي فوجدة", ["Oujda"]),
        ("je suis a Rbat", ["Rabat"]),
        ("للرباط", ["Rabat"]),
        ("je suis a Kenitra", ["Kénitra"]),
        ("القنيطرة", ["Kénitra"]),
        ("Nador", ["Nador"]),
        ("الناظور", ["Nador"]),
        ("I am in Marrakesh", ["Marrakech"]),
        ("مراكش", ["Marrakech"]),
        ("Agadir", ["Agadir"]),
        ("أكادير", ["Agadir"]),
        ("Laayoune", ["Laâyoune"]),
        ("Dakhla", ["Dakhla"]),
        ("الداخلة", ["Dakhla"]),
        ("Tetuan", ["Tétouan"]),
        ("تطوان", ["Tétouan"]),
        ("Beni Mellal", ["Béni Mellal"]),
        ("بني ملال", ["Béni Mellal"]),
        ("sidi kacem", ["Sidi Kacem"]),
        ("from fez to meknes", ["Fès", "Meknès"]),
        # typos
        ("marakesh pls", ["Marrakech"]),
        ("je suis a kenitraa", ["Kénitra"]),
        ("casablanka", ["Casablanca"]),
        ("beni melal", ["Béni Mellal"]),
    ],
)
def test_city_variants(model: Model, text: str, expected: list[str]) -> None:
    assert cities(model, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I am from Lagos",
        "ana mn homs",
        "je viens d'Abidjan",
        "I came from Khartoum",
        "safi merci",  # Darija "ok, enough"
        "safi",
        "c'est sale ici",  # French "dirty"
        "it was on sale",
        "ma tata m'a aidé",  # auntie
        "البطاقة الجديدة",  # "the new card"
        "عندي وجع في العيون",  # "pain in the eyes"
        "lboulis dakhlo l dar",  # "dakhlo" (they came in) is no typo of Dakhla
        "bonjour",
    ],
)
def test_not_a_moroccan_city(model: Model, text: str) -> None:
    assert cities(model, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ana f safi daba", ["Safi"]),
        ("j'habite à Salé", ["Salé"]),
        ("Salé", ["Salé"]),
        ("I live in Sale", ["Salé"]),
        ("ساكن ف سلا", ["Salé"]),
        ("في الجديدة", ["El Jadida"]),
        ("f tata", ["Tata"]),
        ("sadi9i f l7abs dyal sla", ["Salé"]),
    ],
)
def test_ambiguous_names_with_evidence(model: Model, text: str, expected: list[str]) -> None:
    assert cities(model, text) == expected


def test_regions() -> None:
    assert len(REGIONS) == 12
    assert region_of("Oujda") == "L'Oriental"
    assert region_of("Sidi Kacem") == "Rabat-Salé-Kénitra"
    assert region_of("Essaouira") == "Marrakech-Safi"
    assert region_of("Lagos") is None


def test_entity_carries_region(model: Model) -> None:
    entity = model.parse("bghit avocat f wjda").city()
    assert entity is not None
    assert entity.to_dict() == {"entity": "city", "value": "Oujda", "region": "L'Oriental"}


@pytest.mark.parametrize(
    "text",
    ["ana wa7da f dar", "marti mrida bzaf", "mrfoud lia dossier", "tangible help please"],
)
def test_ordinary_words_near_a_town_name_are_not_towns(model: Model, text: str) -> None:
    assert model.parse(text).city() is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("ana f oujdaa", "Oujda"), ("je suis a casablanka", "Casablanca"), ("tangr", "Tanger")],
)
def test_a_misspelt_town_after_a_place_word_or_alone_is_found(
    model: Model, text: str, expected: str
) -> None:
    city = model.parse(text).city()
    assert city is not None and city.value == expected
