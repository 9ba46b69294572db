"""The bot's command menu (the "/" button in Telegram), described in each language."""

from __future__ import annotations

from telegram import BotCommand

from bot.domain import Text
from bot.render import Renderer

# In the order Telegram shows them. Each maps to an intent in `updates.COMMANDS`.
DESCRIPTIONS = {
    "start": Text("telegram.command.start", "Start, or show the main menu"),
    "help": Text("telegram.command.help", "Main menu: what I can help with"),
    "language": Text("telegram.command.language", "Change the language"),
    "stop": Text("telegram.command.stop", "Stop the check-in messages"),
    "delete": Text("telegram.command.delete", "Delete my data"),
}
MAX_DESCRIPTION = 256  # Bot API limit


def bot_commands(renderer: Renderer, language: str) -> list[BotCommand]:
    """The command menu in one language (what `setMyCommands` receives)."""
    return [
        BotCommand(name, renderer.text(text, language)[:MAX_DESCRIPTION])
        for name, text in DESCRIPTIONS.items()
    ]
