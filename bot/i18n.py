"""Languages and gettext catalogs (babel), loaded from `content/locales/<lang>/`.

A language exists when its folder has a `language.yml`; adding one is a content change. Catalogs
are read from the compiled `.mo` when it is newer than its `.po`, otherwise compiled in memory,
so a translator's edit shows up without a build step.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import yaml
from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from bot.errors import ContentError

DOMAIN = "sanad"
SOURCE_LANGUAGE = "en"


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in the language itself: "Français", "العربية"
    direction: str  # "ltr" | "rtl"
    locale: Locale  # for dates, numbers and plural rules

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"


def load_languages(content_dir: Path) -> dict[str, Language]:
    languages: dict[str, Language] = {}
    order: dict[str, int] = {}
    problems: list[str] = []
    for meta in sorted((content_dir / "locales").glob("*/language.yml")):
        code = meta.parent.name
        try:
            data = yaml.safe_load(meta.read_text(encoding="utf-8")) or {}
            locale = Locale.parse(str(data.get("locale", code)).replace("-", "_"))
        except (yaml.YAMLError, ValueError, UnknownLocaleError) as exc:
            problems.append(f"{meta}: {exc}")
            continue
        direction = str(
            data.get("direction", "rtl" if locale.character_order == "right-to-left" else "ltr")
        )
        if direction not in ("ltr", "rtl"):
            problems.append(f"{meta}: direction must be ltr or rtl, not {direction!r}")
        if not data.get("name"):
            problems.append(f"{meta}: `name` (the language's name in itself) is missing")
        languages[code] = Language(code, str(data.get("name", code)), direction, locale)
        order[code] = int(data.get("order", 100))
    languages = dict(sorted(languages.items(), key=lambda item: (order[item[0]], item[0])))
    if problems:
        raise ContentError(problems)
    if SOURCE_LANGUAGE not in languages:
        raise ContentError([f"{content_dir / 'locales'}: the source language `en` is missing"])
    return languages


def po_path(content_dir: Path, code: str) -> Path:
    return content_dir / "locales" / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(content_dir: Path, code: str) -> Catalog | None:
    path = po_path(content_dir, code)
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        return read_po(handle, locale=code, domain=DOMAIN)


class Catalogs:
    """Translations for every language, with the English source text as the fallback."""

    def __init__(self, content_dir: Path) -> None:
        self.languages = load_languages(content_dir)
        self._translations = {code: _load(content_dir, code) for code in self.languages}

    def text(self, language: str, ctx: str, source: str) -> str:
        translations = self._translations.get(language)
        if translations is None:
            return source
        return str(translations.pgettext(ctx, source))

    def plural(self, language: str, ctx: str, singular: str, plural: str, n: int) -> str:
        translations = self._translations.get(language)
        if translations is None:
            return singular if n == 1 else plural
        return str(translations.npgettext(ctx, singular, plural, n))

    def language(self, code: str | None) -> Language:
        return self.languages.get(code or SOURCE_LANGUAGE) or self.languages[SOURCE_LANGUAGE]


def _load(content_dir: Path, code: str) -> Translations:
    po = po_path(content_dir, code)
    mo = po.with_suffix(".mo")
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return Translations(handle, domain=DOMAIN)
    catalog = read_catalog(content_dir, code)
    if catalog is None:
        return Translations(domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)
