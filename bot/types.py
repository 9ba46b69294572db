"""Type aliases of the `bot` package."""

from typing import Literal

ChannelName = str  # "webchat", "telegram", "whatsapp", "sms", "voice", "cli"
ConversationState = Literal["bot", "queued", "with_counsellor", "closed"]
Priority = Literal["critical", "elevated", "normal"]
Variant = Literal["text", "short", "voice"]
