"""The phone line (Twilio Voice): an IVR over the same flows as the text channels.

`POST /webhooks/twilio/voice` answers a call; its follow-up webhooks live below that path. See
docs/phone.md for connecting a Twilio number, voices, recordings and the counsellors' queue.
"""

from handlers.twilio_voice.adapter import VoiceAdapter, create
from handlers.twilio_voice.settings import VoiceSettings

__all__ = ["VoiceAdapter", "VoiceSettings", "create"]
