"""Helpers for adapters that send one outbox row as several provider messages.

A long answer leaves as several messages (Telegram's 4,096 characters, an SMS's segments), cut
where a reader expects a break: between paragraphs, then sentences, then words. When the provider
fails half-way, the parts already delivered are remembered so that the outbox's retry sends only
the rest: a person never gets the same paragraph twice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from datetime import datetime

from bot.domain import Rendered
from bot.outbox import Delivery
from bot.state import StateStore

# Where a text may be cut, from the best place to the worst: between paragraphs, lines, sentences
# (after . ! ? … or the Arabic question mark ؟, and any closing quote or bracket — but not after
# the "1." of a numbered list), words.
_PARAGRAPH = re.compile(r"\n\s*\n")
_LINE = re.compile(r"[ \t]*\n\s*")
_SENTENCE = re.compile(r"(?:(?<=[^\d\s][.!?…؟。])|(?<=[.!?…؟。][\"'”’»)\]]))\s+")
_WORD = re.compile(r"\s+")
_LEVELS = (_PARAGRAPH, _LINE, _SENTENCE, _WORD)

PROGRESS_TTL = 4 * 24 * 3600.0  # longer than the outbox keeps retrying (3 days)


def split_text(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Cut `text` into as few parts as possible, each for which `fits(part)` holds.

    Cuts between paragraphs first, then between sentences, then between words; a single word too
    long for a part (a long link) is cut where it must be."""
    text = text.strip()
    if not text or fits(text):
        return [text] if text else []
    parts: list[str] = []
    for separator, piece in _units("", text, fits, _LEVELS):
        candidate = parts[-1] + separator + piece if parts else piece
        if parts and fits(candidate):
            parts[-1] = candidate
        else:
            parts.append(piece)
    return parts


def _units(
    separator: str, text: str, fits: Callable[[str], bool], levels: tuple[re.Pattern[str], ...]
) -> list[tuple[str, str]]:
    """`text` as pieces that each fit, each with the separator that came before it."""
    if fits(text):
        return [(separator, text)]
    if not levels:
        return [
            (separator if i == 0 else "", chunk) for i, chunk in enumerate(_hard_cut(text, fits))
        ]
    units: list[tuple[str, str]] = []
    for i, (inner, piece) in enumerate(_pieces(text, levels[0])):
        units.extend(_units(separator if i == 0 else inner, piece, fits, levels[1:]))
    return units


def _pieces(text: str, pattern: re.Pattern[str]) -> list[tuple[str, str]]:
    pieces: list[tuple[str, str]] = []
    position, separator = 0, ""
    for match in pattern.finditer(text):
        if match.start() > position:
            pieces.append((separator, text[position : match.start()]))
            separator = match.group(0)
        position = match.end()
    if position < len(text):
        pieces.append((separator, text[position:]))
    return pieces


def _hard_cut(word: str, fits: Callable[[str], bool]) -> list[str]:
    chunks: list[str] = []
    current = ""
    for char in word:
        if current and not fits(current + char):
            chunks.append(current)
            current = ""
        current += char
    if current:
        chunks.append(current)
    return chunks


def farewell(
    channel: str, address: str, language: str, messages: tuple[Rendered, ...], now: datetime
) -> Delivery:
    """The last words to a person who just had their data erased.

    The engine cannot queue them: the outbox row would need the address it has just deleted. So
    the adapter sends them at once, once, with this delivery (id 0: no outbox row behind it)."""
    return Delivery(
        id=0,
        channel=channel,
        address=address,
        language=language,
        messages=messages,
        proactive=False,
        template=None,
        last_inbound_at=now,
    )


class Progress:
    """Which parts of one outbox row already left (provider ids), kept in the state store.

    Nothing is kept for a delivery without an outbox row (id 0)."""

    def __init__(self, store: StateStore, prefix: str) -> None:
        self.store, self.prefix = store, prefix

    def _key(self, delivery_id: int) -> str:
        return f"{self.prefix}:outbox:{delivery_id}:sent"

    async def sent(self, delivery_id: int) -> list[str]:
        if delivery_id <= 0:
            return []
        raw = await self.store.get(self._key(delivery_id))
        if not raw:
            return []
        try:
            ids = json.loads(raw)
        except ValueError:
            return []
        return [str(i) for i in ids] if isinstance(ids, list) else []

    async def record(self, delivery_id: int, ids: Sequence[str]) -> None:
        if delivery_id <= 0:
            return
        await self.store.set(self._key(delivery_id), json.dumps(list(ids)), ttl=PROGRESS_TTL)

    async def done(self, delivery_id: int) -> None:
        await self.store.delete(self._key(delivery_id))
