"""Reading the training data: Rasa 3.x NLU YAML (`nlu/data/`) and risk lists (`nlu/risk_data/`).

The intent data is in Rasa's own format so that the very same files also train a Rasa model
(the optional backend). We read the subset of that format we use: `intent:` items with
`examples: |` (or a list of `text:` items), inline entity annotations `[Oujda](city)`,
`[Casa]{"entity": "city", "value": "Casablanca"}` and `[Casa](city:Casablanca)`, `synonym:` and
`lookup:` items. A file's language is its folder (`data/fr/…`); `arabizi` in a file name marks
Latin-script Arabic, reported as its own group but labelled `ar`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from nlu.types import INTENTS, LANGUAGES, RISK_LEVELS

PACKAGE_DIR = Path(__file__).resolve().parent


def _default_data_dir() -> Path:
    """$SANAD_NLU_DATA, else nlu/data beside this file (source checkout, editable install),
    else ./nlu/data (a wheel install run from the repository, as in the Docker build)."""
    env = os.environ.get("SANAD_NLU_DATA", "").strip()
    if env:
        return Path(env)
    here = PACKAGE_DIR / "data"
    return (
        here
        if here.is_dir() or not (Path.cwd() / "nlu" / "data").is_dir()
        else (Path.cwd() / "nlu" / "data")
    )


DEFAULT_DATA_DIR = _default_data_dir()

_ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<paren>[^)]+)\)|(?P<json>\{[^}]*\}))")


class DataError(ValueError):
    """Training data that cannot be read; the message names the file and what to fix."""


@dataclass(frozen=True)
class Span:
    """An annotated entity: character offsets in the plain text, label, optional value."""

    start: int
    end: int
    entity: str
    value: str | None


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    language: str  # fr / ar / en
    group: str  # fr / en / ar / ar_arabizi: what reports break down by
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True)
class RiskExample:
    text: str
    level: str
    language: str
    group: str


@dataclass
class TrainingData:
    examples: list[Example] = field(default_factory=list)
    synonyms: dict[str, str] = field(default_factory=dict)  # surface form → canonical value
    lookups: dict[str, list[str]] = field(default_factory=dict)
    risk: list[RiskExample] = field(default_factory=list)


def parse_annotated(line: str) -> tuple[str, tuple[Span, ...]]:
    """Strip Rasa entity markup from one example, returning plain text and the spans."""
    out: list[str] = []
    spans: list[Span] = []
    pos = 0
    length = 0
    for m in _ANNOTATION.finditer(line):
        before = line[pos : m.start()]
        out.append(before)
        length += len(before)
        surface = m.group("text")
        value: str | None = None
        if m.group("json"):
            try:
                meta = json.loads(m.group("json"))
            except json.JSONDecodeError:
                meta = {}
            entity = str(meta.get("entity", ""))
            value = str(meta["value"]) if "value" in meta else None
        else:
            entity, _, val = m.group("paren").partition(":")
            value = val or None
        spans.append(Span(length, length + len(surface), entity.strip(), value))
        out.append(surface)
        length += len(surface)
        pos = m.end()
    out.append(line[pos:])
    return "".join(out), tuple(spans)


def _example_lines(item: dict[str, object], path: Path) -> list[str]:
    raw = item.get("examples", "")
    if isinstance(raw, str):
        lines = [ln.strip() for ln in raw.splitlines()]
        return [ln[1:].strip() for ln in lines if ln.startswith("-") and ln[1:].strip()]
    if isinstance(raw, list):
        out = []
        for entry in raw:
            text = entry.get("text") if isinstance(entry, dict) else entry
            if isinstance(text, str) and text.strip():
                out.append(text.strip().removeprefix("- ").strip())
        return out
    raise DataError(f"{path}: 'examples' must be a block string of '- ' lines or a list")


GROUPS = ("fr", "en", "ar", "ar_arabizi")


def _language_of(path: Path, root: Path) -> tuple[str, str] | None:
    """(language, group) from the folder (`data/fr/x.yml`) or a flat file (`heldout/fr.yml`)."""
    rel = path.relative_to(root).parts
    if len(rel) >= 2 and rel[0] in LANGUAGES:
        lang = rel[0]
        return lang, f"{lang}_arabizi" if "arabizi" in path.stem.lower() else lang
    if path.stem in GROUPS:
        return path.stem.split("_")[0], path.stem
    return None


def yaml_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())


def _load_yaml(path: Path) -> dict[str, object]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: not valid YAML ({exc}); fix the file or move it away") from exc
    return doc if isinstance(doc, dict) else {}


def load_nlu(data_dir: Path, into: TrainingData | None = None) -> TrainingData:
    """Read every Rasa NLU file under `data_dir` (sorted, so training is deterministic)."""
    data = into or TrainingData()
    for path in yaml_files(data_dir):
        doc = _load_yaml(path)
        items = doc.get("nlu") or []
        if not isinstance(items, list):
            raise DataError(f"{path}: 'nlu' must be a list of items")
        lang = _language_of(path, data_dir)
        for item in items:
            if not isinstance(item, dict):
                continue
            if "intent" in item:
                intent = str(item["intent"])
                if intent not in INTENTS:
                    raise DataError(f"{path}: unknown intent {intent!r}; use one of INTENTS")
                if lang is None:
                    raise DataError(
                        f"{path}: intent examples must live in a language folder (fr/, ar/, en/)"
                    )
                for line in _example_lines(item, path):
                    text, spans = parse_annotated(line)
                    data.examples.append(Example(text, intent, lang[0], lang[1], spans))
                    for s in spans:
                        if s.value:
                            data.synonyms.setdefault(text[s.start : s.end], s.value)
            elif "synonym" in item:
                value = str(item["synonym"])
                for line in _example_lines(item, path):
                    data.synonyms[line] = value
            elif "lookup" in item:
                data.lookups.setdefault(str(item["lookup"]), []).extend(_example_lines(item, path))
    return data


def load_risk(risk_dir: Path, into: TrainingData | None = None) -> TrainingData:
    """Read `risk:` lists of `{level, text}`; the file name gives the language group."""
    data = into or TrainingData()
    for path in yaml_files(risk_dir):
        stem = path.stem.removeprefix("extra_").removeprefix("risk_")
        group = stem if stem in GROUPS else None
        if group is None:
            raise DataError(f"{path}: name risk files fr/en/ar/ar_arabizi.yml (or extra_<lang>)")
        lang = group.split("_")[0]
        doc = _load_yaml(path)
        entries = doc.get("risk") or []
        if not isinstance(entries, list):
            raise DataError(f"{path}: 'risk' must be a list of {{level, text}} items")
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            level, text = str(entry.get("level", "")).strip(), str(entry.get("text", "")).strip()
            if level not in RISK_LEVELS:
                raise DataError(f"{path}: risk level {level!r} is not one of {RISK_LEVELS}")
            if text:
                data.risk.append(RiskExample(text, level, lang, group))
    return data


def risk_dir_for(data_dir: Path) -> Path:
    """Risk data sits next to the intent data: `<parent>/risk_data`."""
    return data_dir.parent / "risk_data"


def load_all(data_dir: Path) -> TrainingData:
    data = load_nlu(data_dir)
    return load_risk(risk_dir_for(data_dir), data)


def fingerprint(data_dir: Path, salt: str) -> str:
    """A hash of every training file (path and bytes) plus `salt` (the feature code version)."""
    h = hashlib.sha256(salt.encode())
    for root in (data_dir, risk_dir_for(data_dir)):
        for path in yaml_files(root):
            h.update(str(path.relative_to(root.parent)).encode())
            h.update(b"\0")
            h.update(path.read_bytes())
            h.update(b"\0")
    return h.hexdigest()
