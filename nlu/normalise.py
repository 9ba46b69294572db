"""Text normalisation shared by every NLU component and by the engine's option matching.

People write to Sanad on phones: no accents, SMS abbreviations, elongated letters, Arabic with
or without diacritics and with interchangeable letter forms, Eastern Arabic digits. A model only
generalises from its training data if these surface differences vanish first, so every variant
of one word must normalise to the same string. Arabizi is deliberately left as written: its
digits are letters (3 = ع, 7 = ح, 9 = ق), so "m7taj" must not lose its 7.

The output is lower case, accent-free Latin, unified Arabic, ASCII digits, words separated by
single spaces, punctuation removed (emoji are kept as separate tokens: they carry meaning).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalise", "tokens"]

# Arabic diacritics (harakat, tanwin, shadda, sukun, superscript alef, Quranic marks) and tatweel.
_AR_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")

_AR_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ٲ": "ا",
        "ٳ": "ا",
        "ى": "ي",
        "ی": "ي",
        "ې": "ي",
        "ۍ": "ي",
        "ئ": "ي",
        "ة": "ه",
        "ۀ": "ه",
        "ہ": "ه",
        "ۃ": "ه",
        "ؤ": "و",
        "ک": "ك",
        "ڪ": "ك",
        "ڤ": "ف",
        "ڥ": "ف",
        "ڨ": "ق",
        "گ": "ك",
        "پ": "ب",
        "چ": "ج",
        "،": ",",
        "؛": ";",
        "؟": "?",
        "٪": "%",
        # Arabic-Indic and Persian digits.
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
    }
)

# SMS and chat contractions, written after accent folding and apostrophe handling. The values are
# the spelled-out forms, so "jai besoin" and "j'ai besoin" become the same tokens.
_SMS: dict[str, str] = {
    # French
    "jai": "j ai",
    "g": "j ai",
    "jsuis": "je suis",
    "chui": "je suis",
    "jss": "je suis",
    "jsui": "je suis",
    "jveux": "je veux",
    "jvx": "je veux",
    "jpeux": "je peux",
    "jpe": "je peux",
    "jsais": "je sais",
    "jsp": "je sais pas",
    "jcrois": "je crois",
    "jme": "je me",
    "jte": "je te",
    "jvais": "je vais",
    "jvai": "je vais",
    "dun": "d un",
    "dune": "d une",
    "cest": "c est",
    "sest": "s est",
    "quil": "qu il",
    "quelle": "qu elle",
    "jen": "j en",
    "yaura": "il y aura",
    "jarrive": "j arrive",
    "jaimerais": "j aimerais",
    "jaurais": "j aurais",
    "javais": "j avais",
    "jetais": "j etais",
    "jaime": "j aime",
    "svp": "s il vous plait",
    "svpl": "s il vous plait",
    "stp": "s il te plait",
    "silvousplait": "s il vous plait",
    "silteplait": "s il te plait",
    "pk": "pourquoi",
    "pq": "pourquoi",
    "pkoi": "pourquoi",
    "pourkoi": "pourquoi",
    "bcp": "beaucoup",
    "bcq": "beaucoup",
    "dc": "donc",
    "tjrs": "toujours",
    "tjs": "toujours",
    "qd": "quand",
    "qnd": "quand",
    "pr": "pour",
    "ds": "dans",
    "ac": "avec",
    "avc": "avec",
    "koi": "quoi",
    "kwa": "quoi",
    "kel": "quel",
    "kelle": "quelle",
    "kelk": "quelque",
    "kelkun": "quelqu un",
    "quelquun": "quelqu un",
    "qqn": "quelqu un",
    "qlq": "quelque",
    "qq": "quelque",
    "mr6": "merci",
    "mrc": "merci",
    "mci": "merci",
    "slt": "salut",
    "bjr": "bonjour",
    "bsr": "bonsoir",
    "tkt": "t inquiete",
    "auj": "aujourd hui",
    "ajd": "aujourd hui",
    "aujourdhui": "aujourd hui",
    "mm": "meme",
    "tt": "tout",
    "ts": "tous",
    "bi1": "bien",
    "ptit": "petit",
    "ptite": "petite",
    "oqp": "occupe",
    "msg": "message",
    "rdv": "rendez vous",
    "dsl": "desole",
    "vs": "vous",
    "nn": "non",
    "wi": "oui",
    # English
    "u": "you",
    "ur": "your",
    "pls": "please",
    "plz": "please",
    "pliz": "please",
    "plss": "please",
    "thx": "thanks",
    "thnx": "thanks",
    "thanx": "thanks",
    "tnx": "thanks",
    "ty": "thank you",
    "wat": "what",
    "wht": "what",
    "im": "i am",
    "ive": "i have",
    "idk": "i don t know",
    "dont": "don t",
    "cant": "can t",
    "wont": "won t",
    "didnt": "didn t",
    "doesnt": "doesn t",
    "isnt": "isn t",
    "wanna": "want to",
    "gonna": "going to",
    "gotta": "got to",
    "b4": "before",
    "2day": "today",
    "2morrow": "tomorrow",
    "tmrw": "tomorrow",
    "coz": "because",
    "cuz": "because",
    "bcoz": "because",
    "bc": "because",
    "abt": "about",
    "hlp": "help",
    "wit": "with",
    "dis": "this",
    "dat": "that",
    "der": "there",
}

_REPEATS = re.compile(r"([^\W\d])\1{2,}")  # 3+ identical letters → one ("pleeease", "مساعدةةة")
_SPACES = re.compile(r"\s+")


class _CharMap(dict[int, str]):
    """A str.translate table filled lazily: each distinct character is classified once."""

    def __missing__(self, code: int) -> str:
        out = _classify(chr(code))
        self[code] = out
        return out


_LIGATURES = {"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d", "ı": "i"}


def _classify(ch: str) -> str:
    """What the normalised text keeps of one (lower-case, NFKC) character."""
    if ch in _LIGATURES:
        return _LIGATURES[ch]
    if "\u00c0" <= ch <= "\u024f":  # Latin letters with accents: fold to the base letter
        ch = unicodedata.normalize("NFD", ch)[0]
    cat = unicodedata.category(ch)
    if cat[0] in "LN":
        return ch
    if cat == "So":  # emoji and pictographs are meaningful tokens of their own
        return f" {ch} "
    if cat[0] == "M" or cat == "Cf":  # stray combining marks, zero-width and direction marks
        return ""
    return " "


_CHARS = _CharMap()


def normalise(text: str) -> str:
    """Return the canonical form of `text` (see the module docstring); never raises."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = text.lower()
    text = _AR_DIACRITICS.sub("", text)
    text = text.translate(_AR_LETTERS).translate(_CHARS)
    text = _REPEATS.sub(r"\1", text)
    words = [w for w in _SPACES.split(text) if w]
    out: list[str] = []
    for w in words:
        out.append(_SMS.get(w, w))
    return " ".join(out)


def tokens(text: str) -> list[str]:
    """Split already-normalised text into tokens."""
    return text.split()
