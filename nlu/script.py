"""Writing-system evidence for language identification.

Arabic script is decisive (none of our other languages uses it), Latin script is shared by
French, English and Arabizi, and a message with no letters at all (emoji, a phone number) says
nothing about its language. Counting letters per script is cheap and exact, so language id only
needs a statistical model for Latin-script text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScriptCounts:
    arabic: int
    latin: int

    @property
    def letters(self) -> int:
        return self.arabic + self.latin

    @property
    def arabic_share(self) -> float:
        return self.arabic / self.letters if self.letters else 0.0


def count_scripts(text: str) -> ScriptCounts:
    """Letters in Arabic script (all Arabic blocks) and in Latin script (ASCII + Latin-1/Ext)."""
    arabic = latin = 0
    for ch in text:
        if ch.isalpha():
            o = ord(ch)
            if 0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0xFB50 <= o <= 0xFEFF:
                arabic += 1
            elif o < 0x0250:
                latin += 1
    return ScriptCounts(arabic, latin)
