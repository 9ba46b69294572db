"""Canned replies: `content/locales/<lang>/canned.yml`, offered in the conversation's language.

    greeting:
      label: "Greeting"          # what the counsellor sees in the list
      text: "Hello, I am …"      # what goes into the reply box, to edit before sending

A language without the file simply has no canned replies; a malformed file stops the start with
a message naming the file and the key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.errors import ContentError
from bot.yamlio import load_yaml

MAX_LABEL = 60
MAX_TEXT = 1000  # a canned reply is a start, not a leaflet


@dataclass(frozen=True)
class Canned:
    key: str
    label: str
    text: str


def canned_path(content_dir: Path, language: str) -> Path:
    return content_dir / "locales" / language / "canned.yml"


def load_canned(content_dir: Path, languages: Iterable[str]) -> dict[str, tuple[Canned, ...]]:
    """Every language's canned replies, in file order; ContentError lists every problem."""
    found: dict[str, tuple[Canned, ...]] = {}
    problems: list[str] = []
    for code in languages:
        path = canned_path(content_dir, code)
        if not path.is_file():
            found[code] = ()
            continue
        try:
            data = load_yaml(path) or {}
        except (yaml.YAMLError, ContentError) as exc:
            problems.append(f"{path}: {exc}")
            continue
        if not isinstance(data, dict):
            problems.append(f"{path}: expected keys (greeting, …), each with label and text")
            continue
        replies = []
        for key, entry in data.items():
            where = f"{path}: {key}"
            if not isinstance(entry, dict) or set(entry) != {"label", "text"}:
                problems.append(f"{where}: give exactly `label` and `text`")
                continue
            label, text = entry["label"], entry["text"]
            if not isinstance(label, str) or not label.strip() or len(label) > MAX_LABEL:
                problems.append(f"{where}: `label` must be a text of 1 to {MAX_LABEL} characters")
                continue
            if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
                problems.append(f"{where}: `text` must be a text of 1 to {MAX_TEXT} characters")
                continue
            replies.append(Canned(str(key), label.strip(), text.strip()))
        found[code] = tuple(replies)
    if problems:
        raise ContentError(problems)
    return found
