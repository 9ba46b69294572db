"""Telegram: the webhook at `/webhooks/telegram` (checked against TELEGRAM_WEBHOOK_SECRET), polling
with `sanad telegram poll`, options as inline keyboards, replies through the outbox.

Settings: TELEGRAM_BOT_TOKEN (switches the channel on), TELEGRAM_WEBHOOK_SECRET, TELEGRAM_API_URL
(a self-hosted Bot API server, or the fake one of the tests). See docs/channels.md.
"""

from handlers.telegram.adapter import TelegramAdapter, create, make_bot, parse_update
from handlers.telegram.cli import register
from handlers.telegram.updates import COMMANDS

__all__ = ["COMMANDS", "TelegramAdapter", "create", "make_bot", "parse_update", "register"]
