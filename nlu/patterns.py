"""Building keyword patterns that work in both scripts."""

from __future__ import annotations

import re

_WORD = (
    r"\b(?:{})\b"  # Latin-script alternatives need word boundaries; Arabic ones match inside words
)


def keywords(latin: str, arabic: str = "") -> re.Pattern[str]:
    """One pattern for Latin alternatives (whole words) and Arabic ones (anywhere: clitics)."""
    parts = [_WORD.format(latin)] if latin else []
    if arabic:
        parts.append(f"(?:{arabic})")
    return re.compile("|".join(parts))
