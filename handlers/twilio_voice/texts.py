"""The phone line's own words (the flows' words come from the content). Translated like every
other `Text`: `make messages` extracts them into the catalogs."""

from __future__ import annotations

from bot.domain import Text

LANGUAGE_DIGIT = Text("voice.language_digit", "To continue in English, press {digit}.")
PRESS = Text("voice.press", "For {option}, press {digit}.")
KEYS = Text("voice.keys", "To hear this again, press 9. To talk to a counsellor, press 0.")
INVALID = Text("voice.invalid", "Sorry, that key is not one of the choices.")
SILENCE = Text("voice.silence", "Sorry, I did not hear you.")
GOODBYE_SILENCE = Text(
    "voice.goodbye_silence", "I still cannot hear you. Call again whenever you need. Goodbye."
)
HOLD = Text(
    "voice.hold", "Please stay on the line: a counsellor will answer you as soon as possible."
)
QUEUE_POSITION = Text(
    "voice.queue_position", "You are number {position} in the queue. Please stay on the line."
)
UNAVAILABLE = Text("voice.unavailable", "No counsellor can answer the phone right now.")
HOURS = Text("voice.hours", "Counsellors answer calls {hours}.")
HOURS_DAYS = Text("voice.hours.days", "{first} to {last}")
HOURS_TIMES = Text("voice.hours.times", "from {start} to {end}")
VOICEMAIL = Text(
    "voice.voicemail",
    "After the tone, leave a message of up to two minutes, and say the number where a counsellor "
    "can call you back. Press the hash key when you have finished.",
)
NO_RECORDING = Text(
    "voice.no_recording", "No message was recorded. You can call again at any time. Goodbye."
)
GOODBYE = Text("voice.goodbye", "Thank you for calling Sanad. Goodbye.")
