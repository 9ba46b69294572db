"""Building keyword patterns that work in both scripts, and testing many of them at once."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

try:  # RE2's set matcher: every pattern in one pass over the text (google-re2 wheels)
    import re2
except ImportError:  # pragma: no cover - a platform without the wheel falls back to `re`
    re2 = None

# RE2's memory budget for one set's automaton (its default, 8 MB, is too small for the concept
# lexicon). Memory is taken as the automaton is explored, so a parse pays only what it uses.
_RE2_MAX_MEM = 64 << 20

_WORD = (
    r"\b(?:{})\b"  # Latin-script alternatives need word boundaries; Arabic ones match inside words
)


# An Arabic keyword of three letters or fewer is found inside too many other words ("دم", blood,
# in "خدمه", work; "سم", poison, in "اسم"; "تلف", lost, in "تلفون"): it must be a word of its own,
# after the one-letter proclitics and the article, before a pronoun suffix.
# A dialect present-tense prefix may come first ("كيخنق", "بيخنقني": is strangling (me)).
_SHORT_ARABIC = (
    "(?:^| )(?:[وفبكل])?(?:ال|لل|كي|كت|كن|بي|بت|بن|عم ي|عم ت)?(?:{})"
    "(?:ي|ه|ها|و|ك|كم|نا|هم|ت|وا|ني|وني|وه|وها|تو|تها)?(?: |$)"
)
_SYNTAX_CHARS = re.compile(r"[()\[\]\\*+?{}.^$]")


def top_level(pattern: str) -> list[str]:
    """The alternatives of a pattern split at its top-level `|`."""
    out, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


def keywords(latin: str, arabic: str = "") -> re.Pattern[str]:
    """One pattern for Latin alternatives (whole words) and Arabic ones (inside words, for the
    clitics, except the short ones, which must stand alone)."""
    for script in (latin, arabic):
        counts = Counter(top_level(script) if script else [])
        twice = sorted(a for a, n in counts.items() if n > 1)
        if twice:
            raise ValueError(f"keywords listed twice: {twice}")
    parts = [_WORD.format(latin)] if latin else []
    if arabic:
        alternatives = top_level(arabic)
        short = [a for a in alternatives if len(a) <= 3 and not _SYNTAX_CHARS.search(a)]
        # "الموس" next to "موس" would match inside "الموسيقى": the short form covers it.
        covered = {pre + a for a in short for pre in ("ال", "بال", "فال", "وال", "لل")}
        long = [a for a in alternatives if a not in short and a not in covered]
        if long:
            parts.append("(?:{})".format("|".join(long)))
        if short:
            parts.append(_SHORT_ARABIC.format("|".join(short)))
    return re.compile("|".join(parts))


# What \w has to match in normalised text (lower-case ASCII, folded accents, Arabic letters).
# Python's \w is Unicode, RE2's ASCII; RE2's Unicode classes (\p{L}) made the concept set's
# automaton 20 times slower to build (115 ms at import against 5 ms).
_WORD_CHAR = r"[0-9a-z_\x{0600}-\x{06ff}]"


def _re2_syntax(pattern: str) -> str:
    # (\b stays ASCII in RE2: a Latin word glued to an Arabic letter is the one place where the
    # two engines read a normalised text differently.)
    return pattern.replace(r"\w", _WORD_CHAR)


class PatternSet:
    """Which of many named patterns occur in a text.

    Python's `re` tries every alternative of every pattern at every position: with the concept
    and topic lexicons that was most of a parse (about 0.2 ms of 0.35). RE2 compiles the whole
    set into one automaton and answers in one pass (concepts and topics on the held-out texts:
    7 µs a text against 0.25 ms, measured when this was written). `fast=False`, or a missing
    google-re2, uses `re` with the same answers (tests/nlu/test_patterns.py checks both agree
    on all training texts).
    """

    def __init__(self, patterns: Mapping[str, re.Pattern[str]], *, fast: bool = True) -> None:
        self.names = tuple(patterns)
        self._patterns = tuple(patterns.values())
        self._set = None
        if fast and re2 is not None and self._patterns:
            options = re2.Options()
            options.max_mem = _RE2_MAX_MEM
            matcher = re2.Set.SearchSet(options)
            for p in self._patterns:
                matcher.Add(_re2_syntax(p.pattern))
            matcher.Compile()
            self._set = matcher

    @property
    def fast(self) -> bool:
        return self._set is not None

    def present(self, text: str) -> list[str]:
        """Names of the patterns found in `text`, in the order they were given."""
        if self._set is None:
            return [n for n, p in zip(self.names, self._patterns, strict=True) if p.search(text)]
        hits = self._set.Match(text)
        return [self.names[i] for i in sorted(hits)] if hits else []
