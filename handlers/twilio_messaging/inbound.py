"""A Twilio messaging webhook's form as an `Inbound` — deciding only; the adapter acts on it."""

from __future__ import annotations

from collections.abc import Mapping

from bot.domain import Inbound, Media

WHATSAPP_PREFIX = "whatsapp:"
MAX_MEDIA = 10  # Twilio sends at most ten attachments a message


class Malformed(ValueError):
    """The form lacks what every Twilio message webhook carries."""


def channel_and_address(sender: str) -> tuple[str, str]:
    """("whatsapp", "+212…") for "whatsapp:+212…", ("sms", "+212…") otherwise."""
    if sender.startswith(WHATSAPP_PREFIX):
        return "whatsapp", sender[len(WHATSAPP_PREFIX) :]
    return "sms", sender


def inbound_of(form: Mapping[str, str]) -> Inbound:
    sender = form.get("From", "").strip()
    sid = (form.get("MessageSid") or form.get("SmsMessageSid") or form.get("SmsSid") or "").strip()
    if not sender or not sid:
        raise Malformed("expected From and MessageSid")
    channel, address = channel_and_address(sender)
    if not address:
        raise Malformed("From holds no address")
    # A tap on a template's quick-reply button: its payload is the option id we gave it.
    option = (form.get("ButtonPayload") or "").strip() or None
    return Inbound(
        channel=channel,
        sender=address,
        text=form.get("Body", ""),
        provider_id=sid,
        option=option,
        media=_media(form),
    )


def _media(form: Mapping[str, str]) -> tuple[Media, ...]:
    try:
        count = min(int(form.get("NumMedia", "0") or 0), MAX_MEDIA)
    except ValueError as exc:
        raise Malformed("NumMedia is not a number") from exc
    media = []
    for index in range(max(count, 0)):
        url = form.get(f"MediaUrl{index}")
        if not url:
            continue
        mime = form.get(f"MediaContentType{index}") or None
        media.append(Media(_kind(mime), url, mime))
    return tuple(media)


def _kind(mime: str | None) -> str:
    if mime is None:
        return "document"
    if mime.startswith("audio/"):
        return "voice"
    if mime.startswith("image/"):
        return "photo"
    return "document"
