"""The knowledge base: sourced answers in `content/locales/<lang>/answers/*.yml`.

Each entry has a text variant (web chat, Telegram, WhatsApp: at most 700 characters), an optional
`short` variant for SMS, a `voice` variant for the phone line (at most 350 characters, no links,
numbers spoken digit by digit), its `sources` and the date it was last `reviewed`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.errors import ContentError
from bot.types import Variant
from bot.yamlio import load_yaml

MAX_TEXT = 700
MAX_VOICE = 350
FIELDS = {"text", "short", "voice", "sources", "reviewed"}


@dataclass(frozen=True)
class Entry:
    key: str
    text: str
    short: str | None
    voice: str
    sources: tuple[str, ...]
    reviewed: dt.date
    file: Path

    def variant(self, variant: Variant) -> str:
        if variant == "voice":
            return self.voice
        if variant == "short":
            return self.short or self.text
        return self.text


class Knowledge:
    """Every entry of every language: `knowledge[lang][key]`."""

    def __init__(self, entries: dict[str, dict[str, Entry]]) -> None:
        self.entries = entries

    @classmethod
    def load(cls, content_dir: Path, languages: list[str]) -> Knowledge:
        entries: dict[str, dict[str, Entry]] = {}
        problems: list[str] = []
        for code in languages:
            entries[code] = {}
            for path in sorted((content_dir / "locales" / code / "answers").glob("*.yml")):
                try:
                    data = load_yaml(path)
                except (yaml.YAMLError, ContentError) as exc:
                    problems.append(f"{path}: {exc}")
                    continue
                if not isinstance(data, dict):
                    problems.append(f"{path}: expected a mapping of answer keys")
                    continue
                for key, raw in data.items():
                    entry = _entry(path, str(key), raw, problems)
                    if entry is None:
                        continue
                    if entry.key in entries[code]:
                        other = entries[code][entry.key].file
                        problems.append(f"{path}: {key}: duplicate answer key (also in {other})")
                    entries[code][entry.key] = entry
        if problems:
            raise ContentError(problems)
        return cls(entries)

    def get(self, language: str, key: str) -> Entry | None:
        return self.entries.get(language, {}).get(key) or self.entries.get("en", {}).get(key)

    def all_keys(self) -> set[str]:
        return {key for per_language in self.entries.values() for key in per_language}


def _entry(path: Path, key: str, raw: object, problems: list[str]) -> Entry | None:
    where = f"{path}: {key}"
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected a mapping with text, voice, sources, reviewed")
        return None
    unknown = set(raw) - FIELDS
    if unknown:
        problems.append(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    text, voice = raw.get("text"), raw.get("voice")
    if not isinstance(text, str) or not text.strip():
        problems.append(f"{where}: `text` is missing")
        return None
    if not isinstance(voice, str) or not voice.strip():
        problems.append(f"{where}: `voice` (the phone-line variant) is missing")
        return None
    short = raw.get("short")
    sources = raw.get("sources")
    if isinstance(sources, str):
        sources = [sources]
    if not sources or not all(isinstance(s, str) and s.strip() for s in sources):
        problems.append(f"{where}: `sources` is missing: name the report section or FACTS.md line")
        sources = []
    reviewed = raw.get("reviewed")
    if isinstance(reviewed, str):
        try:
            reviewed = dt.date.fromisoformat(reviewed)
        except ValueError:
            reviewed = None
    if not isinstance(reviewed, dt.date):
        problems.append(f"{where}: `reviewed` must be a date (YYYY-MM-DD)")
        reviewed = dt.date.min
    return Entry(
        key=key,
        text=text.strip(),
        short=short.strip() if isinstance(short, str) and short.strip() else None,
        voice=voice.strip(),
        sources=tuple(str(s) for s in sources),
        reviewed=reviewed,
        file=path,
    )
