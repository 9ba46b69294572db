"""SMS encoding arithmetic: how many segments a text costs, and texts cut to a few segments each.

An SMS carries 160 GSM-7 characters, or 70 UCS-2 ones as soon as one character is outside GSM-7
(any Arabic letter, but also "ç", "ê" or a typographic apostrophe). A longer text travels as
concatenated segments of 153 (GSM-7) or 67 (UCS-2) characters that the phone joins again.
"""

from __future__ import annotations

from handlers.outgoing import split_text

# GSM 03.38: the basic table (1 septet each) and the extension table (2 septets: escape + char).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67
MAX_BODY = 1600  # characters Twilio accepts in one message's Body

# Typography that would switch a whole message to UCS-2 (2.3 times the price) for no meaning:
# replaced by its GSM-7 look-alike. Letters (ç, ê, Arabic) are never touched.
_PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2022": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u2007": " ",
        "\u2026": "...",
    }
)


def plain(text: str) -> str:
    """The text with typographic punctuation made GSM-7 (quotes, dashes, thin spaces, "…")."""
    return text.translate(_PLAIN)


def is_gsm7(text: str) -> bool:
    return all(char in GSM7_BASIC or char in GSM7_EXTENDED for char in text)


def segments(text: str) -> int:
    """How many SMS segments the text costs (0 for an empty text)."""
    if not text:
        return 0
    if is_gsm7(text):
        sizes = [2 if char in GSM7_EXTENDED else 1 for char in text]
        single, part = GSM7_SINGLE, GSM7_PART
    else:
        sizes = [2 if ord(char) > 0xFFFF else 1 for char in text]  # UTF-16 surrogate pairs
        single, part = UCS2_SINGLE, UCS2_PART
    if sum(sizes) <= single:
        return 1
    # A two-unit character (an escaped GSM-7 one, a surrogate pair) is never cut between segments.
    count, used = 1, 0
    for size in sizes:
        if used + size > part:
            count, used = count + 1, 0
        used += size
    return count


def sms_parts(text: str, max_segments: int) -> list[str]:
    """The text as few messages as possible, each at most `max_segments` segments, cut between
    paragraphs, sentences or words."""

    def fits(part: str) -> bool:
        return len(part) <= MAX_BODY and segments(part) <= max_segments

    return split_text(plain(text), fits)
