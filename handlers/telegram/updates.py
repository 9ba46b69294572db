"""From a Telegram `Update` to an `Inbound` — deciding only; the adapter acts on it.

Only private chats are served: in a group, a person's questions and Sanad's answers would be read
by everyone, so group updates are ignored like any update type we do not handle.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatType

from bot.domain import Inbound, Media
from handlers.telegram.keyboards import CallbackCodec

CHANNEL = "telegram"

# The bot's commands and the intents they stand for. /start of a new person is the menu too: the
# engine already answers anyone's first message with the welcome and, when their language is not
# known yet, the question of the language; a returning person who taps /start wants the menu.
COMMANDS = {
    "start": "help_menu",
    "help": "help_menu",
    "language": "change_language",
    "stop": "checkin_unsubscribe",
    "delete": "delete_my_data",
}


@dataclass(frozen=True)
class Incoming:
    """An update Sanad handles: the message for the engine (if any), the button press to answer."""

    inbound: Inbound | None
    callback_query_id: str | None = None


def incoming(update: Update, codec: CallbackCodec) -> Incoming | None:
    """What the update means for Sanad, or None when it is to be ignored (still answered 200)."""
    provider_id = str(update.update_id)
    if update.callback_query is not None:
        return _button(update.callback_query, provider_id, codec)
    if update.message is not None:
        return _message(update.message, provider_id)
    return None  # edited messages, channel posts, member changes, anything newer: not for us


def _button(query: CallbackQuery, provider_id: str, codec: CallbackCodec) -> Incoming:
    message = query.message
    if message is None or message.chat.type != ChatType.PRIVATE or not query.data:
        return Incoming(None, query.id)  # still answered, so the button stops spinning
    inbound = Inbound(
        CHANNEL, str(message.chat.id), option=codec.decode(query.data), provider_id=provider_id
    )
    return Incoming(inbound, query.id)


def _message(message: Message, provider_id: str) -> Incoming | None:
    if message.chat.type != ChatType.PRIVATE:
        return None
    sender = str(message.chat.id)
    text = message.text or message.caption or ""
    command = _command(text)
    if command is not None:
        # The command's own word ("/help") is not given to the NLU: it would take it for English.
        return Incoming(Inbound(CHANNEL, sender, "", provider_id=provider_id, intent=command))
    return Incoming(Inbound(CHANNEL, sender, text, provider_id=provider_id, media=_media(message)))


def _command(text: str) -> str | None:
    """The intent of a known /command ("/help", "/help@SanadBot", "/start payload")."""
    if not text.startswith("/"):
        return None
    word = text[1:].split(maxsplit=1)[0] if len(text) > 1 else ""
    name = word.split("@", 1)[0].lower()
    return COMMANDS.get(name)


def _media(message: Message) -> tuple[Media, ...]:
    """Voice notes and photos (and other files) as the counsellors will find them: file ids."""
    if message.voice is not None:
        return (Media("voice", message.voice.file_id, message.voice.mime_type),)
    if message.audio is not None:
        return (Media("voice", message.audio.file_id, message.audio.mime_type),)
    if message.video_note is not None:
        return (Media("voice", message.video_note.file_id, "video/mp4"),)
    if message.photo:
        largest = max(message.photo, key=lambda size: size.width * size.height)
        return (Media("photo", largest.file_id, "image/jpeg"),)
    if message.document is not None:
        return (Media("document", message.document.file_id, message.document.mime_type),)
    if message.video is not None:
        return (Media("document", message.video.file_id, message.video.mime_type),)
    return ()
