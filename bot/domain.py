"""Channel-neutral messages: what comes in (`Inbound`) and what goes out (`Reply`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.storage.models import utcnow
from bot.types import ChannelName, Variant

MAX_TEXT = 4096


@dataclass(frozen=True)
class Capabilities:
    """What a channel can show; the renderer adapts replies to it."""

    buttons: bool = True  # options as buttons; otherwise a numbered list ("press 1" on voice)
    max_length: int = 4096  # characters a message
    variant: Variant = "text"  # which variant of a knowledge-base answer to use
    voice: bool = False


@dataclass(frozen=True)
class Media:
    """An attachment a person sent (voice note, photo) or a recording (voicemail)."""

    kind: str  # "voice" | "photo" | "recording" | "document"
    ref: str  # the provider's file id or URL; stored encrypted
    mime: str | None = None


@dataclass(frozen=True)
class Inbound:
    """One message from a person on some channel.

    `sender` is the channel's own address (phone number, chat id, web session). The engine turns
    it into a pseudonym at once and keeps the address only encrypted, to be able to answer later.
    """

    channel: ChannelName
    sender: str
    text: str = ""
    provider_id: str | None = None
    option: str | None = None  # a button payload: an option id
    intent: str | None = None  # what the channel already knows: "/start", "0" on the phone
    media: tuple[Media, ...] = ()
    received_at: datetime = field(default_factory=utcnow)


@dataclass(frozen=True)
class Text:
    """A translatable message: gettext context (a stable slug) and English source text."""

    ctx: str
    source: str
    params: Mapping[str, object] = field(default_factory=dict)

    def with_params(self, **params: object) -> Text:
        return replace(self, params=params)

    @classmethod
    def from_content(cls, ctx: str, source: str) -> Text:
        """A text read from a content file (extracted by the content extractors, not from code)."""
        return cls(ctx, source)


@dataclass(frozen=True)
class Plural:
    """A translatable message whose words depend on a number (Arabic has six forms)."""

    ctx: str
    singular: str
    plural: str
    count: str  # the name of the parameter that holds the number
    params: Mapping[str, object] = field(default_factory=dict)

    def with_params(self, **params: object) -> Plural:
        return replace(self, params=params)


@dataclass(frozen=True)
class Answer:
    """A knowledge-base entry, rendered in the text, short or voice variant."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Verbatim:
    """Text shown as written: a counsellor's reply, a list built from the directory."""

    text: str


@dataclass(frozen=True)
class Services:
    """The directory's services of one kind in a region, listed in the reader's language."""

    offer: str
    region: str


Body = Text | Plural | Answer | Verbatim | Services


@dataclass(frozen=True)
class Option:
    id: str
    label: Text | Verbatim


@dataclass(frozen=True)
class Reply:
    """One message to send. `every_language` shows it in all languages (before one is chosen)."""

    body: Body
    options: tuple[Option, ...] = ()
    every_language: bool = False


@dataclass(frozen=True)
class Rendered:
    """A reply rendered for one language and channel."""

    text: str
    options: tuple[tuple[str, str], ...] = ()  # (id, label)
    language: str = "en"
    direction: str = "ltr"

    def to_dict(self) -> dict[str, object]:
        return {"text": self.text, "options": [{"id": i, "label": lbl} for i, lbl in self.options]}
