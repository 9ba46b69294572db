"""Rendered replies as Telegram messages: texts within 4,096 characters, options as buttons."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain import Rendered
from bot.flows import Flows
from handlers.outgoing import split_text

MAX_TEXT = 4096  # Telegram's limit, in UTF-16 code units
MAX_CALLBACK_DATA = 64  # bytes
_SHORT = "~"  # marks a callback_data that stands for a longer option id


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class OutgoingMessage:
    text: str
    keyboard: InlineKeyboardMarkup | None = None


class CallbackCodec:
    """Option ids as `callback_data` (at most 64 bytes).

    An id that is longer (a long flow or node name) travels as a digest, found again in a table
    built from the flows — so a button keeps working after a restart."""

    def __init__(self, option_ids: Iterable[str] = ()) -> None:
        self._long: dict[str, str] = {}
        for option_id in option_ids:
            self.encode(option_id)

    @classmethod
    def for_flows(cls, flows: Flows, languages: Iterable[str]) -> CallbackCodec:
        codes = list(languages)
        ids: list[str] = []
        for qid, node in flows.nodes.items():
            ids += [f"{qid}:{option.id}" for option in node.options]
            if node.language_options:
                ids += [f"{qid}:{code}" for code in codes]
        return cls(ids)

    def encode(self, option_id: str) -> str:
        if len(option_id.encode()) <= MAX_CALLBACK_DATA and not option_id.startswith(_SHORT):
            return option_id
        digest = hashlib.sha256(option_id.encode()).digest()
        short = _SHORT + base64.urlsafe_b64encode(digest).decode()[:32]
        self._long[short] = option_id
        return short

    def decode(self, data: str) -> str:
        return self._long.get(data, data)


def messages_for(rendered: Rendered, codec: CallbackCodec) -> list[OutgoingMessage]:
    """One rendered reply as Telegram messages; the buttons go under the last one."""
    parts = split_text(rendered.text, lambda part: utf16_length(part) <= MAX_TEXT)
    if not parts:
        if not rendered.options:
            return []
        parts = ["…"]  # Telegram refuses a message without text
    keyboard = keyboard_for(rendered.options, codec)
    return [
        OutgoingMessage(part, keyboard if i == len(parts) - 1 else None)
        for i, part in enumerate(parts)
    ]


def keyboard_for(
    options: Iterable[tuple[str, str]], codec: CallbackCodec
) -> InlineKeyboardMarkup | None:
    """One button a row: labels stay whole on a phone, in Arabic as in French."""
    rows = [
        [InlineKeyboardButton(label or option_id, callback_data=codec.encode(option_id))]
        for option_id, label in options
    ]
    return InlineKeyboardMarkup(rows) if rows else None
