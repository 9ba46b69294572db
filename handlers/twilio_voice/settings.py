"""Per-language voices and recognisers of the phone line, from `SANAD_VOICE_*` settings.

Each language has a text-to-speech voice for `<Say>` (`SANAD_VOICE_FR=Polly.Lea`), the language
code `<Say>` is given (`SANAD_VOICE_LANGUAGE_FR=fr-FR`) and the language speech is recognised in
(`SANAD_SPEECH_FR=fr-FR`). A voice must be one the published TwiML schema accepts, because every
document we produce is checked against it: man, woman, male, female, eve, brian or Polly.<Name>.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.errors import ConfigError
from bot.i18n import Language
from bot.settings import Settings

VOICE = re.compile(r"man|woman|male|female|eve|brian|Polly\.[A-Za-z]+")
QUEUE = re.compile(r"[A-Za-z0-9_-]{1,40}")

# (voice, <Say> language, speech recognition language) for the languages we ship.
DEFAULTS: dict[str, tuple[str, str, str]] = {
    "fr": ("Polly.Lea", "fr-FR", "fr-FR"),
    "ar": ("Polly.Zeina", "arb", "ar-MA"),
    "en": ("Polly.Amy", "en-GB", "en-GB"),
}


@dataclass(frozen=True)
class Speaking:
    """How the phone line speaks and listens in one language."""

    voice: str | None  # None: the account's default voice
    say_language: str
    speech_language: str


@dataclass(frozen=True)
class VoiceSettings:
    languages: dict[str, Speaking]
    queue: str  # counsellors' queues are "<queue>-<lang>"
    hold_music: str | None  # an audio URL played while a caller waits

    def speaking(self, code: str) -> Speaking:
        return self.languages.get(code) or next(iter(self.languages.values()))

    def queue_of(self, code: str) -> str:
        return f"{self.queue}-{code}"

    @classmethod
    def load(cls, settings: Settings, languages: Iterable[Language]) -> VoiceSettings:
        speaking: dict[str, Speaking] = {}
        for language in languages:
            code = language.code
            voice, say_language, speech = DEFAULTS.get(code, (None, _tag(language), _tag(language)))
            name = f"SANAD_VOICE_{code.upper()}"
            voice = settings.setting(name) or voice
            if voice is not None and not VOICE.fullmatch(voice):
                raise ConfigError(
                    f"{name}={voice!r} is not a voice the TwiML schema accepts: use man, woman, "
                    "male, female, eve, brian or an Amazon Polly standard voice such as "
                    "Polly.Lea (see docs/phone.md)"
                )
            speaking[code] = Speaking(
                voice=voice,
                say_language=settings.setting(f"SANAD_VOICE_LANGUAGE_{code.upper()}")
                or say_language,
                speech_language=settings.setting(f"SANAD_SPEECH_{code.upper()}") or speech,
            )
        queue = settings.setting("SANAD_VOICE_QUEUE") or "sanad"
        if not QUEUE.fullmatch(queue):
            raise ConfigError(
                f"SANAD_VOICE_QUEUE={queue!r}: use up to 40 letters, digits, - or _ (e.g. sanad)"
            )
        return cls(speaking, queue, settings.setting("SANAD_VOICE_HOLD_MUSIC") or None)


def _tag(language: Language) -> str:
    """fr_MA → fr-MA: the BCP 47 tag Twilio expects, for a language added later."""
    locale = language.locale
    return f"{locale.language}-{locale.territory}" if locale.territory else locale.language
