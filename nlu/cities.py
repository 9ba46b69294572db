"""Moroccan city entities: gazetteer look-up with clitics, guarded ambiguity and typo tolerance.

A model-free matcher, because the names are a closed list and a wrong city sends someone to the
wrong office: exact look-up of 1–3 token variants (from `nlu/data/cities.yml` and the synonyms in
the training data), Arabic proclitics peeled off (فالرباط, بطنجة, للرباط), then one- or two-edit
typos for long Latin tokens (marakesh, kenitraa) found through a deletion index (SymSpell), so a
parse stays in microseconds.

Some variants are ordinary words too: "sale" (dirty / a sale), "safi" (Darija "enough, ok"),
"tata" (auntie), "sla" (prayer), الجديدة (the new), العيون (the eyes), البيضاء (the white). They
count as cities only with evidence that does not depend on capitalisation: a locative word
before them ("f safi", "à sale", "in sale", "من الجديدة"), a locative clitic (فالجديدة), the
accented spelling "Salé", or — for Salé only — the whole message being the name. Foreign
places are simply not in the gazetteer, and words the training data uses as ordinary words are
never "corrected" into a city.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from nlu.normalise import normalise
from nlu.regions import CITIES, region_of
from nlu.types import Entity

AMBIGUOUS = frozenset(
    {
        "sale",
        "safi",
        "tata",
        "sla",
        "jadida",
        "assa",
        "رباط",
        "اسفي",
        "الجديده",
        "العيون",
        "البيضاء",
        "البيضا",
        "اسا",
    }
)
# Whole-message answers that are taken as the city even without a cue.
ALONE_OK = frozenset({"sale", "sla"})
LOCATIVE = frozenset(
    {
        # French
        "a",
        "au",
        "en",
        "de",
        "du",
        "depuis",
        "vers",
        "pres",
        "ville",
        "habite",
        "vis",
        "suis",
        "region",
        "quartier",
        # English
        "in",
        "at",
        "from",
        "to",
        "near",
        "city",
        "town",
        "around",
        "live",
        "living",
        "stay",
        "staying",
        # Arabizi / Darija
        "f",
        "fi",
        "fe",
        "b",
        "bi",
        "mn",
        "men",
        "min",
        "l",
        "li",
        "ila",
        "sakn",
        "sakin",
        "saken",
        "sakna",
        "ghir",
        "mdint",
        "mdina",
        "jit",
        "jay",
        "ja",
        "dyal",
        "dial",
        "d",
        # Arabic script
        "في",
        "من",
        "الى",
        "مدينه",
        "ف",
        "ب",
        "ل",
        "قرب",
        "جنب",
        "حدا",
        "ساكن",
        "ساكنه",
        "اسكن",
        "نسكن",
        "كنسكن",
        "عايش",
        "مقيم",
        "بمدينه",
        "ديال",
        "د",
    }
)
# Words that make an ambiguous name mean the ordinary word ("وجع في العيون": pain in the eyes).
_ANTI_CUES: dict[str, frozenset[str]] = {
    "العيون": frozenset(
        {
            "وجع",
            "الم",
            "مرض",
            "مشكل",
            "مشكله",
            "طبيب",
            "نظر",
            "نظارات",
            "دوا",
            "قطره",
            "حساسيه",
            "التهاب",
            "احمرار",
            "حكه",
            "ضعف",
            "كيضروني",
            "تيضروني",
            "عملية",
            "عمليه",
        }
    ),
}
_PROCLITICS = ("وف", "وب", "ول", "و", "ف", "ب", "ل", "ك")
_LOCATIVE_CLITICS = frozenset({"ف", "ب", "ل", "وف", "وب", "ول"})
_ARABIC = re.compile("[\u0600-\u06ff]")
_MAX_NGRAM = 3
_VOWELS = frozenset("aeiouy")


@dataclass(frozen=True)
class CityMatch:
    value: str
    start: int  # token offsets in the normalised text
    end: int


def _deletions(word: str, depth: int) -> set[str]:
    out = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def _distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance (Levenshtein plus adjacent transpositions)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _max_edits(length: int) -> int:
    return 0 if length < 5 else 1 if length < 8 else 2


class CityMatcher:
    """Finds Moroccan cities in a text; build once, call `find` from any thread."""

    def __init__(self, variants: Mapping[str, str], known_words: Iterable[str] = ()) -> None:
        self.exact: dict[str, str] = {}
        for surface, value in variants.items():
            if value in CITIES:
                key = normalise(surface)
                if key:
                    self.exact.setdefault(key, value)
        for city in CITIES:
            self.exact.setdefault(normalise(city), city)
        self.known = frozenset(known_words) - self.exact.keys()
        # First words of the multi-word names: a token that starts none skips the n-gram tries.
        self.first_words = frozenset(k.split()[0] for k in self.exact if " " in k)
        self.fuzzy: dict[str, set[str]] = {}
        for key in self.exact:
            if " " in key or key in AMBIGUOUS or _ARABIC.search(key):
                continue
            for d in _deletions(key, _max_edits(len(key))):
                self.fuzzy.setdefault(d, set()).add(key)

    def find(self, text: str, norm: str | None = None) -> list[CityMatch]:
        """Cities in order of appearance, each value once."""
        norm = normalise(text) if norm is None else norm
        toks = norm.split()
        out: list[CityMatch] = []
        seen: set[str] = set()
        i = 0
        while i < len(toks):
            match = self._match_at(toks, i, text)
            if match is None:
                i += 1
                continue
            if match.value not in seen:
                seen.add(match.value)
                out.append(match)
            i = match.end
        return out

    def entities(self, text: str, norm: str | None = None) -> tuple[Entity, ...]:
        return tuple(Entity("city", m.value, region_of(m.value)) for m in self.find(text, norm))

    def _match_at(self, toks: list[str], i: int, text: str) -> CityMatch | None:
        longest = min(_MAX_NGRAM, len(toks) - i)
        if longest > 1 and not any(
            stem in self.first_words for _clitic, stem in self._clitic_forms(toks[i])
        ):
            longest = 1
        for n in range(longest, 0, -1):
            key = " ".join(toks[i : i + n])
            for clitic, stem in self._clitic_forms(key):
                value = self.exact.get(stem)
                if value is None:
                    continue
                if stem in AMBIGUOUS and not self._has_cue(toks, i, n, clitic, text, stem):
                    continue
                return CityMatch(value, i, i + n)
        tok = toks[i]
        if tok in self.known or len(tok) < 5 or _ARABIC.search(tok):
            return None
        value = self._fuzzy(tok)
        if value is None:
            return None
        # A near miss of a short name is too often an ordinary word ("wa7da" is not Oujda,
        # "marti" not Martil): take it only after a place word, or as a whole answer.
        if (
            len(tok) < 8
            and len(toks) > 1
            and not any(t in LOCATIVE for t in toks[max(0, i - 2) : i])
        ):
            return None
        return CityMatch(value, i, i + 1)

    @staticmethod
    def _clitic_forms(key: str) -> list[tuple[str, str]]:
        forms = [("", key)]
        if not _ARABIC.match(key):
            return forms
        for p in _PROCLITICS:
            if key.startswith(p) and len(key) - len(p) >= 3:
                stem = key[len(p) :]
                forms.append((p, stem))
                if p.endswith("ل") and stem.startswith("ل"):  # للرباط = ل + الرباط
                    forms.append((p, "ا" + stem))
        return forms

    @staticmethod
    def _has_cue(toks: list[str], i: int, n: int, clitic: str, text: str, stem: str) -> bool:
        if _ANTI_CUES.get(stem, frozenset()).intersection(toks[max(0, i - 4) : i + n + 3]):
            return False
        if clitic in _LOCATIVE_CLITICS:
            return True
        if any(t in LOCATIVE for t in toks[max(0, i - 2) : i]):
            return True
        if stem in ALONE_OK and len(toks) == n:
            return True
        if stem == "sale":
            return "salé" in unicodedata.normalize("NFC", text).lower()
        return False

    def resolve(self, surface: str) -> str | None:
        """The city a name stands for, ignoring context (for annotated data, not for parsing)."""
        norm = normalise(surface)
        for _clitic, stem in self._clitic_forms(norm):
            if stem in self.exact:
                return self.exact[stem]
        return self._fuzzy(norm) if " " not in norm else None

    def _fuzzy(self, tok: str) -> str | None:
        limit = _max_edits(len(tok))
        best: tuple[int, str] | None = None
        candidates: set[str] = set()
        for d in _deletions(tok, limit):
            candidates |= self.fuzzy.get(d, set())
        for key in sorted(candidates):
            if abs(len(key) - len(tok)) > limit:
                continue
            if tok[:-1] == key[:-1] and tok[-1] in _VOWELS and key[-1] in _VOWELS:
                continue  # a different final vowel is grammar, not a typo (dakhlo ≠ dakhla)
            dist = _distance(tok, key)
            if dist <= min(limit, _max_edits(len(key))) and (best is None or dist < best[0]):
                best = (dist, key)
        return self.exact[best[1]] if best else None
