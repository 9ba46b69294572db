"""Services by region and city (`content/directory.yml`), for location-aware answers.

Contact details are shown only when the entry carries them, and `sanad content check` refuses
any contact detail that the fact sheet does not list as verified. Where no contact is known, the
answer says how to reach the service: through a counsellor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.errors import ContentError
from bot.yamlio import load_yaml

SERVICE_FIELDS = {
    "id",
    "name",
    "offers",
    "region",
    "city",
    "national",
    "languages",
    "contact",
    "hours",
    "about",
    "sources",
}
CONTACT_FIELDS = {"phone", "whatsapp", "address", "web", "email"}


@dataclass(frozen=True)
class Service:
    id: str
    name: dict[str, str]  # per language
    offers: tuple[str, ...]
    region: str | None
    city: str | None
    national: bool
    languages: tuple[str, ...]
    contact: dict[str, str]
    hours: dict[str, str]
    about: dict[str, str]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Directory:
    services: tuple[Service, ...]
    regions: dict[str, dict[str, str]] = field(default_factory=dict)  # French name -> {lang: name}
    cities: dict[str, dict[str, str]] = field(default_factory=dict)  # French name -> {lang: name}
    file: Path | None = None

    @classmethod
    def load(cls, path: Path) -> Directory:
        if not path.is_file():
            return cls(())
        try:
            data = load_yaml(path) or {}
        except (yaml.YAMLError, ContentError) as exc:
            raise ContentError([f"{path}: not valid YAML: {exc}"]) from exc
        problems: list[str] = []
        regions = _names(data.get("regions"))
        cities = _names(data.get("cities"))
        services: list[Service] = []
        seen: set[str] = set()
        for raw in data.get("services") or []:
            service = _service(path, raw, regions, problems)
            if service is None:
                continue
            if service.id in seen:
                problems.append(f"{path}: {service.id}: duplicate service id")
            seen.add(service.id)
            services.append(service)
        for service in services:
            if service.city and cities and service.city not in cities:
                problems.append(
                    f"{path}: {service.id}: town {service.city!r} is not under `cities:`"
                )
        if problems:
            raise ContentError(problems)
        return cls(tuple(services), regions, cities, path)

    def find(self, offer: str, region: str | None) -> list[Service]:
        """Services offering `offer` in `region` first, then those that serve the whole country."""
        local = [s for s in self.services if offer in s.offers and region and s.region == region]
        national = [s for s in self.services if offer in s.offers and s.national]
        return local + [s for s in national if s not in local]

    def region_name(self, region: str, language: str) -> str:
        return self.regions.get(region, {}).get(language, region)

    def city_name(self, city: str, language: str) -> str:
        return self.cities.get(city, {}).get(language, city)


def _names(raw: object) -> dict[str, dict[str, str]]:
    if not isinstance(raw, dict):
        return {}
    return {str(k): {str(lk): str(lv) for lk, lv in (v or {}).items()} for k, v in raw.items()}


def _service(
    path: Path, raw: object, regions: dict[str, dict[str, str]], problems: list[str]
) -> Service | None:
    if not isinstance(raw, dict) or not raw.get("id"):
        problems.append(f"{path}: every service needs an `id`")
        return None
    sid = str(raw["id"])
    where = f"{path}: {sid}"
    unknown = set(raw) - SERVICE_FIELDS
    if unknown:
        problems.append(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    name = raw.get("name")
    if not isinstance(name, dict) or not name:
        problems.append(f"{where}: `name` must give the name per language (fr, ar, en)")
        return None
    region = raw.get("region")
    national = bool(raw.get("national", False))
    if not national and not region:
        problems.append(f"{where}: give its `region` (or `national: true`)")
    if region and regions and region not in regions:
        problems.append(f"{where}: unknown region {region!r} (see `regions:` at the top)")
    contact = raw.get("contact") or {}
    if not isinstance(contact, dict) or set(contact) - CONTACT_FIELDS:
        problems.append(f"{where}: `contact` may hold {', '.join(sorted(CONTACT_FIELDS))}")
        contact = {}
    offers = raw.get("offers") or []
    if not offers:
        problems.append(f"{where}: `offers` is empty: what does this service do?")
    sources = raw.get("sources") or []
    if isinstance(sources, str):
        sources = [sources]
    if not sources:
        problems.append(f"{where}: `sources` is missing")

    def per_language(field_name: str) -> dict[str, str]:
        value = raw.get(field_name) or {}
        return {str(k): str(v).strip() for k, v in value.items()} if isinstance(value, dict) else {}

    return Service(
        id=sid,
        name={str(k): str(v).strip() for k, v in name.items()},
        offers=tuple(str(o) for o in offers),
        region=str(region) if region else None,
        city=str(raw["city"]) if raw.get("city") else None,
        national=national,
        languages=tuple(str(lang) for lang in raw.get("languages") or ()),
        contact={str(k): str(v) for k, v in contact.items()},
        hours=per_language("hours"),
        about=per_language("about"),
        sources=tuple(str(s) for s in sources),
    )
