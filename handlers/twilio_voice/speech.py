"""Replies turned into what the caller hears: `<Say>` lines in a language, or `<Play>` of a
recording, with the options read out as keys to press."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.domain import Answer, Capabilities, Reply, Text
from bot.render import Renderer

from .texts import KEYS, LANGUAGE_DIGIT, PRESS

CAPABILITIES = Capabilities(buttons=False, max_length=4096, variant="voice", voice=True)
# Keys 1-8 choose; 9 repeats and 0 asks for a counsellor, so a menu offers eight at most.
MAX_OPTIONS = 8


@dataclass(frozen=True)
class Segment:
    """One thing said (`say`) or played (`play`, an audio URL), in one language."""

    language: str
    say: str | None = None
    play: str | None = None

    def to_json(self) -> dict[str, str]:
        if self.play:
            return {"l": self.language, "p": self.play}
        return {"l": self.language, "s": self.say or ""}

    @classmethod
    def from_json(cls, data: dict[str, str]) -> Segment:
        return cls(data["l"], data.get("s"), data.get("p"))


@dataclass
class Spoken:
    """One turn for the phone: what is said first, then the prompt that waits for a key."""

    before: list[Segment] = field(default_factory=list)
    prompt: list[Segment] = field(default_factory=list)
    options: list[str] = field(default_factory=list)  # option ids; key 1 is the first
    hints: list[str] = field(default_factory=list)  # option labels, to help speech recognition
    language_menu: bool = False  # the options are languages

    def all(self) -> list[Segment]:
        return self.before + self.prompt


class Speech:
    def __init__(
        self,
        renderer: Renderer,
        languages: Sequence[str],
        language_of_option: Callable[[str | None], str | None],
        recording: Callable[[str, str], str | None],  # (language, answer key) -> audio URL
    ) -> None:
        self.renderer, self.languages = renderer, list(languages)
        self.language_of_option, self.recording = language_of_option, recording

    def text(self, text: Text, language: str) -> Segment:
        return Segment(language, say=self.renderer.text(text, language))

    def turn(self, replies: Sequence[Reply], language: str, *, keys: bool = True) -> Spoken:
        """The replies of one turn; the last one (from the last with options) is the prompt."""
        spoken = Spoken()
        if not replies:
            return spoken
        with_options = [i for i, reply in enumerate(replies) if reply.options]
        split = with_options[-1] if with_options else len(replies) - 1
        for reply in replies[:split]:
            spoken.before += self.reply(reply, language)
        for reply in replies[split:]:
            spoken.prompt += self.reply(reply, language)
        chooser = replies[split]
        if chooser.options:
            rendered = self.renderer.render(chooser, language, CAPABILITIES)
            options = rendered.options[:MAX_OPTIONS]
            spoken.options = [option_id for option_id, _ in options]
            spoken.hints = [label for _, label in options]
            spoken.language_menu = all(self.language_of_option(i) for i in spoken.options)
            if not chooser.every_language:  # otherwise read in each language, in `reply`
                spoken.prompt += [
                    self.text(PRESS.with_params(option=label, digit=str(key)), language)
                    for key, (_, label) in enumerate(options, 1)
                ]
        if keys and not spoken.language_menu:
            spoken.prompt.append(self.text(KEYS, language))
        return spoken

    def reply(self, reply: Reply, language: str) -> list[Segment]:
        if not reply.every_language:
            return self._body(reply, language)
        # Before a language is chosen: each language in its own voice, with its own key.
        segments: list[Segment] = []
        for code in self.languages:
            segments += self._body(reply, code)
            for key, option in enumerate(reply.options[:MAX_OPTIONS], 1):
                chosen = self.language_of_option(option.id)
                if chosen == code:
                    segments.append(self.text(LANGUAGE_DIGIT.with_params(digit=str(key)), code))
                elif chosen is None:
                    label = self.renderer.label(option.label, code)
                    segments.append(
                        self.text(PRESS.with_params(option=label, digit=str(key)), code)
                    )
        return segments

    def _body(self, reply: Reply, language: str) -> list[Segment]:
        body = reply.body
        if isinstance(body, Answer) and not body.params:
            url = self.recording(language, body.key)
            if url is not None:
                return [Segment(language, play=url)]
        text = self.renderer.body(body, language, CAPABILITIES)
        return [Segment(language, say=line) for line in _lines(text)]


def _lines(text: str) -> list[str]:
    """Lines worth saying: list bullets dropped (a voice would read them out)."""
    lines = (line.strip().lstrip("•·-*").strip() for line in text.splitlines())
    return [line for line in lines if line]


def dump(segments: Sequence[Segment]) -> list[dict[str, str]]:
    return [s.to_json() for s in segments]


def load(data: object) -> list[Segment]:
    if not isinstance(data, list):
        return []
    return [Segment.from_json(item) for item in data if isinstance(item, dict) and "l" in item]
