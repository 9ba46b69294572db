"""An outbox row as the Twilio messages that carry it: SMS cut into segments, WhatsApp free text
inside the 24-hour window, an approved template outside it."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.domain import Rendered
from bot.outbox import Delivery, Undeliverable
from handlers.outgoing import split_text
from handlers.twilio_messaging.segments import MAX_BODY, sms_parts

# WhatsApp lets a business write freely for 24 hours after the person's last message; we stop a
# little earlier so a message queued at the edge does not fail on Meta's side.
WINDOW = timedelta(hours=24) - timedelta(minutes=10)
DEFAULT_TEMPLATE = "follow_up"  # a proactive message that names no template (a counsellor's)
TEMPLATE_SETTING = "SANAD_WHATSAPP_TEMPLATE_{name}"
MAX_VARIABLE = 900  # characters of one template variable (Meta caps a template body at 1,024)


@dataclass(frozen=True)
class Part:
    """One message for `client.messages.create`: a body, or a template and its variables."""

    body: str | None = None
    content_sid: str | None = None
    content_variables: str | None = None


def numbered(rendered: Rendered) -> str:
    """The reply's text with its options as a numbered list ("1. …"): the person answers "1"."""
    lines = [rendered.text.strip()] if rendered.text.strip() else []
    lines += [f"{number}. {label}" for number, (_, label) in enumerate(rendered.options, 1)]
    return "\n".join(lines)


def whole_text(messages: Sequence[Rendered]) -> str:
    return "\n\n".join(text for text in (numbered(m) for m in messages) if text)


def sms(delivery: Delivery, max_segments: int) -> list[Part]:
    return [Part(body=body) for body in sms_parts(whole_text(delivery.messages), max_segments)]


def window_open(last_inbound_at: datetime | None, now: datetime) -> bool:
    if last_inbound_at is None:
        return False
    if last_inbound_at.tzinfo is None:
        last_inbound_at = last_inbound_at.replace(tzinfo=UTC)
    return now - last_inbound_at < WINDOW


def whatsapp(delivery: Delivery, now: datetime, settings: Mapping[str, str]) -> list[Part]:
    """Free text while the window is open; otherwise the template configured for the message's
    kind and language, the text as its variable {{1}}."""
    text = whole_text(delivery.messages)
    if window_open(delivery.last_inbound_at, now):
        return [Part(body=body) for body in split_text(text, lambda part: len(part) <= MAX_BODY)]
    name, sid = template_for(settings, delivery.template or DEFAULT_TEMPLATE, delivery.language)
    if sid is None:
        raise Undeliverable(
            f"WhatsApp: more than 24 hours since the person wrote; set {name} to an approved "
            "template's ContentSid (HX…)"
        )
    flat = re.sub(r"\s*\n\s*", " · ", text)  # a template variable may not hold line breaks
    flat = re.sub(r"[ \t]{4,}", "   ", flat)
    return [
        Part(content_sid=sid, content_variables=json.dumps({"1": chunk}, ensure_ascii=False))
        for chunk in split_text(flat, lambda part: len(part) <= MAX_VARIABLE)
    ]


def template_setting(name: str, language: str | None = None) -> str:
    key = re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_")
    setting = TEMPLATE_SETTING.format(name=key)
    return f"{setting}_{language.upper()}" if language else setting


def template_for(settings: Mapping[str, str], name: str, language: str) -> tuple[str, str | None]:
    """(the setting to name in an error, the ContentSid): per language first, then for all."""
    for setting in (template_setting(name, language), template_setting(name)):
        sid = (settings.get(setting) or "").strip()
        if sid:
            return setting, sid
    return template_setting(name, language), None
