"""Morocco's 12 regions (BO n° 6340, 5 March 2015) and the region of each city we recognise.

Source: shared/seed/FACTS.md section 4 (regions, chefs-lieux, main provinces), completed with the
main towns of those provinces. Names are the official French spellings; the directory of services
(content/directory.yml) is keyed by these exact strings.
"""

from __future__ import annotations

REGIONS: tuple[str, ...] = (
    "Tanger-Tétouan-Al Hoceïma",
    "L'Oriental",
    "Fès-Meknès",
    "Rabat-Salé-Kénitra",
    "Béni Mellal-Khénifra",
    "Casablanca-Settat",
    "Marrakech-Safi",
    "Drâa-Tafilalet",
    "Souss-Massa",
    "Guelmim-Oued Noun",
    "Laâyoune-Sakia El Hamra",
    "Dakhla-Oued Ed-Dahab",
)

_CITIES_BY_REGION: dict[str, tuple[str, ...]] = {
    "Tanger-Tétouan-Al Hoceïma": (
        "Tanger",
        "Tétouan",
        "M'diq",
        "Fnideq",
        "Martil",
        "Larache",
        "Ksar El Kébir",
        "Asilah",
        "Al Hoceima",
        "Chefchaouen",
        "Ouazzane",
    ),
    "L'Oriental": (
        "Oujda",
        "Nador",
        "Berkane",
        "Taourirt",
        "Jerada",
        "Guercif",
        "Driouech",
        "Figuig",
        "Bouarfa",
        "Selouane",
        "Beni Ansar",
        "Zaïo",
        "Saïdia",
    ),
    "Fès-Meknès": (
        "Fès",
        "Meknès",
        "Taza",
        "Ifrane",
        "Azrou",
        "Sefrou",
        "Taounate",
        "El Hajeb",
        "Boulemane",
    ),
    "Rabat-Salé-Kénitra": (
        "Rabat",
        "Salé",
        "Témara",
        "Skhirat",
        "Kénitra",
        "Khémisset",
        "Tiflet",
        "Sidi Kacem",
        "Sidi Slimane",
    ),
    "Béni Mellal-Khénifra": (
        "Béni Mellal",
        "Khénifra",
        "Khouribga",
        "Azilal",
        "Fquih Ben Salah",
        "Kasba Tadla",
    ),
    "Casablanca-Settat": (
        "Casablanca",
        "Mohammedia",
        "El Jadida",
        "Settat",
        "Berrechid",
        "Benslimane",
        "Sidi Bennour",
    ),
    "Marrakech-Safi": (
        "Marrakech",
        "Safi",
        "Essaouira",
        "El Kelâa des Sraghna",
        "Chichaoua",
        "Al Haouz",
        "Youssoufia",
        "Ben Guerir",
    ),
    "Drâa-Tafilalet": ("Errachidia", "Ouarzazate", "Midelt", "Tinghir", "Zagora", "Erfoud"),
    "Souss-Massa": ("Agadir", "Inezgane", "Aït Melloul", "Taroudant", "Tiznit", "Tata"),
    "Guelmim-Oued Noun": ("Guelmim", "Tan-Tan", "Sidi Ifni", "Assa"),
    "Laâyoune-Sakia El Hamra": ("Laâyoune", "Boujdour", "Smara", "Tarfaya"),
    "Dakhla-Oued Ed-Dahab": ("Dakhla", "Aousserd"),
}

CITY_REGION: dict[str, str] = {
    city: region for region, cities in _CITIES_BY_REGION.items() for city in cities
}
CITIES: tuple[str, ...] = tuple(CITY_REGION)


def region_of(city: str) -> str | None:
    """The region of a canonical city name (as returned in entities), or None if unknown."""
    return CITY_REGION.get(city)
