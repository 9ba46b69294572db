"""The phone line: Twilio Voice webhooks ↔ `Inbound`, replies as TwiML.

A call is a series of webhooks. The first greets and offers the languages; each key pressed or
sentence spoken is one message to the engine (provider id: CallSid + step), and its replies come
back as one TwiML document whose last reply waits inside `<Gather>`. A handoff puts the caller in
the counsellors' queue of their language (`<Enqueue>`), or — out of hours, or with nobody on duty
who speaks it — gives the hours and the emergency numbers and records a voicemail (`<Record>`),
which the engine turns into a callback ticket.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path

import anyio
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from twilio.twiml.voice_response import Gather, VoiceResponse

from bot.dialogue import LANGUAGE, WELCOME
from bot.domain import Answer, Capabilities, Inbound, Media, Option, Reply, Text, Verbatim
from bot.engine import CLOSED_NOW, EMERGENCY_ANSWER, QUEUED, SAFETY_ANSWER, TurnResult
from bot.outbox import Delivery, Undeliverable
from bot.runtime import Runtime
from bot.storage import Counsellor
from handlers.twilio_auth import verified_form

from .call import CallState, forget_call, load_call, save_call
from .hours import spoken_hours
from .settings import VoiceSettings
from .speech import CAPABILITIES, Segment, Speech
from .texts import (
    GOODBYE,
    GOODBYE_SILENCE,
    HOLD,
    INVALID,
    NO_RECORDING,
    QUEUE_POSITION,
    SILENCE,
    UNAVAILABLE,
    VOICEMAIL,
)

log = logging.getLogger(__name__)

PATH = "/webhooks/twilio/voice"
CHANNEL = "voice"
CALL_SID = re.compile(r"CA[0-9a-fA-F]{32}")
AUDIO_NAME = re.compile(r"[a-z0-9_.-]+\.mp3")
# What Twilio sends as `From` when the caller hides their number.
WITHHELD = {
    "anonymous",
    "restricted",
    "unknown",
    "private",
    "blocked",
    "+266696687",
    "+86282452253",
    "+7378742833",
    "+2562533",
}
GATHER_TIMEOUT = 6  # seconds of silence before the prompt counts as unanswered
RECORD_SECONDS = 120
HOLD_PAUSE = 20  # seconds between two "you are number N" while waiting
SILENCES_BEFORE_MENU = 2
SILENCES_BEFORE_GOODBYE = 4


class VoiceAdapter:
    name = "twilio_voice"
    channels = (CHANNEL,)

    def __init__(self, runtime: Runtime, voices: VoiceSettings) -> None:
        self.runtime, self.voices = runtime, voices
        self.settings = runtime.settings
        self.languages = list(runtime.content.catalogs.languages)
        dialogue = runtime.engine.dialogue
        self.speech = Speech(
            runtime.engine.renderer, self.languages, dialogue.language_of_option, self._recording
        )

    # --- the adapter protocol -----------------------------------------------------------------

    def capabilities(self, channel: str) -> Capabilities:
        return CAPABILITIES

    def routes(self) -> Sequence[BaseRoute]:
        return [
            Route(PATH, self.incoming, methods=["POST"]),
            Route(PATH + "/gather", self.gather, methods=["POST"]),
            Route(PATH + "/record", self.record, methods=["POST"]),
            Route(PATH + "/wait", self.wait, methods=["POST"]),
            Route(PATH + "/queue", self.queue, methods=["POST"]),
            Route(PATH + "/audio/{language}/{name}", self.audio, methods=["GET"]),
        ]

    async def send(self, delivery: Delivery) -> Sequence[str]:
        """Written messages cannot reach a caller: a counsellor calls back instead."""
        raise Undeliverable("the phone line cannot deliver written messages; call the person back")

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    def check_recordings(self) -> list[Path]:
        """Warn about recordings that can never be played (their name is no answer key)."""
        keys = self.runtime.content.knowledge.all_keys()
        stray = []
        for language in self.languages:
            for path in sorted(self._audio_dir(language).glob("*")):
                if path.name == "README.md":
                    continue
                if not AUDIO_NAME.fullmatch(path.name) or path.name[:-4] not in keys:
                    stray.append(path)
                    log.warning(
                        "%s is never played: name a recording after an answer key, "
                        "e.g. legal_aid.what.mp3",
                        path,
                    )
        return stray

    # --- webhooks -----------------------------------------------------------------------------

    async def incoming(self, request: Request) -> Response:
        """A new call: the welcome and the languages, each in its own voice."""
        checked = await self._checked(request)
        if isinstance(checked, Response):
            return checked
        _, call_sid, _ = checked
        flows = self.runtime.content.flows
        welcome, choose = flows.get(WELCOME), flows[LANGUAGE]
        body = ((welcome.say or welcome.ask) if welcome is not None else None) or choose.ask
        options = tuple(
            Option(f"{LANGUAGE}:{code}", Verbatim(language.name))
            for code, language in self.runtime.content.catalogs.languages.items()
        )
        spoken = self.speech.turn(
            [Reply(body or Verbatim(""), options, every_language=True)], self._default()
        )
        call = CallState(step=1, prompt=spoken.prompt, options=spoken.options, hints=spoken.hints)
        await save_call(self.runtime.store, call_sid, call)
        return self._gather(call, spoken.before, call.prompt)

    async def gather(self, request: Request) -> Response:
        """A key pressed, a sentence spoken, or nothing (the prompt timed out)."""
        checked = await self._checked(request)
        if isinstance(checked, Response):
            return checked
        form, call_sid, sender = checked
        step = request.query_params.get("step", "")
        if not step.isdigit() or not 0 < int(step) < 100_000:
            return PlainTextResponse("`step` must be a positive number", status_code=400)
        call = await load_call(self.runtime.store, call_sid) or CallState(step=int(step))
        if int(step) < call.step:  # Twilio sent an answered step again: say the current prompt
            return self._gather(call, [], call.prompt)
        provider_id = f"{call_sid}:{step}"
        digits, spoken = form.get("Digits", "").strip(), form.get("SpeechResult", "").strip()
        if not digits and not spoken:
            return await self._silence(call, call_sid, sender, provider_id)
        call.silences = 0
        if digits == "9":
            await save_call(self.runtime.store, call_sid, call)
            return self._gather(call, [], call.prompt)
        if digits == "0":
            return await self._counsellor(call, call_sid, sender, provider_id)
        if digits == "*":
            inbound = Inbound(CHANNEL, sender, "*", provider_id=provider_id, intent="help_menu")
        elif digits.isdigit() and 1 <= int(digits) <= len(call.options):
            inbound = Inbound(
                CHANNEL,
                sender,
                digits,
                provider_id=provider_id,
                option=call.options[int(digits) - 1],
            )
        elif digits.isdigit() and not call.prompt:
            # The call's state is gone: the engine knows where the conversation waits.
            inbound = Inbound(CHANNEL, sender, digits, provider_id=provider_id)
        elif digits:
            await save_call(self.runtime.store, call_sid, call)
            return self._gather(call, [], [self._say(INVALID, call.language), *call.prompt])
        else:
            option = self._spoken_language(spoken) if call.language is None else None
            inbound = Inbound(
                CHANNEL,
                sender,
                spoken[:1000],
                provider_id=provider_id,
                option=f"{LANGUAGE}:{option}" if option else None,
            )
        result = await self.runtime.engine.handle(inbound)
        return await self._answer(call, call_sid, result)

    async def record(self, request: Request) -> Response:
        """The voicemail: attached to the conversation, a callback ticket for the counsellors."""
        checked = await self._checked(request)
        if isinstance(checked, Response):
            return checked
        form, call_sid, sender = checked
        language = self._language(request)
        url = form.get("RecordingUrl", "").strip()
        response = VoiceResponse()
        if not url:  # hung up or said nothing: no message, no ticket
            self._add(response, [self._say(NO_RECORDING, language)])
            response.hangup()
            return _twiml(response)
        if not url.startswith(("https://", "http://")):
            return PlainTextResponse("`RecordingUrl` must be a URL", status_code=400)
        recording_sid = form.get("RecordingSid", "").strip()[:64]
        inbound = Inbound(
            CHANNEL,
            sender,
            provider_id=f"{call_sid}:voicemail:{recording_sid}",
            media=(Media("recording", url),),
        )
        result = await self.runtime.engine.handle(inbound)
        await forget_call(self.runtime.store, call_sid)
        self._add(
            response,
            self.speech.turn(_without_notices(result.replies), result.language, keys=False).all(),
        )
        response.hangup()
        return _twiml(response)

    async def wait(self, request: Request) -> Response:
        """What a caller hears in the queue, again and again until a counsellor answers."""
        form = await verified_form(request, self.settings)
        if isinstance(form, Response):
            return form
        language = self._language(request)
        position = form.get("QueuePosition", "")
        text = QUEUE_POSITION.with_params(position=position) if position.isdigit() else HOLD
        response = VoiceResponse()
        self._add(response, [self._say(text, language)])
        if self.voices.hold_music:
            response.play(self.voices.hold_music)
        else:
            response.pause(length=HOLD_PAUSE)
        return _twiml(response)

    async def queue(self, request: Request) -> Response:
        """The caller left the queue: goodbye after a counsellor; voicemail if the queue failed."""
        form = await verified_form(request, self.settings)
        if isinstance(form, Response):
            return form
        language = self._language(request)
        outcome = form.get("QueueResult", "")
        response = VoiceResponse()
        if outcome == "hangup":
            return _twiml(response)
        if outcome == "bridged":
            self._add(response, [self._say(GOODBYE, language)])
            response.hangup()
            return _twiml(response)
        return self._voicemail([], language)

    async def audio(self, request: Request) -> Response:
        """A recording of an answer, for `<Play>` (public content, like the answers' text)."""
        language, name = request.path_params["language"], request.path_params["name"]
        if language not in self.languages or not AUDIO_NAME.fullmatch(name):
            return PlainTextResponse("not found", status_code=404)
        path = self._audio_dir(language) / name
        if not path.is_file():
            return PlainTextResponse("not found", status_code=404)
        return FileResponse(path, media_type="audio/mpeg", headers={"Cache-Control": "max-age=300"})

    # --- turns --------------------------------------------------------------------------------

    async def _answer(
        self, call: CallState, call_sid: str, result: TurnResult, pressed_zero: bool = False
    ) -> Response:
        """The engine's replies as the next TwiML document."""
        if result.duplicate:  # Twilio sent this step again: say the current prompt again
            return self._gather(call, [], call.prompt)
        language = result.language
        replies = list(result.replies)
        if result.state == "closed":  # erased, or the flow ended the conversation
            await forget_call(self.runtime.store, call_sid)
            response = VoiceResponse()
            self._add(response, self.speech.turn(replies, language, keys=False).all())
            response.hangup()
            return _twiml(response)
        if result.state in ("queued", "with_counsellor") and (
            pressed_zero
            or not replies
            or _announces_handoff(replies)
            or any(event.kind == "ticket" for event in result.events)
        ):
            call.language = language
            await save_call(self.runtime.store, call_sid, call)
            return await self._handoff(_without_notices(replies), language)
        spoken = self.speech.turn(replies, language)
        if not spoken.prompt:  # nothing to ask (should not happen): keep the last prompt
            return self._gather(call, [], call.prompt)
        call.step += 1
        call.prompt, call.options, call.hints = spoken.prompt, spoken.options, spoken.hints
        call.language = None if spoken.language_menu else language
        await save_call(self.runtime.store, call_sid, call)
        return self._gather(call, spoken.before, call.prompt)

    async def _silence(
        self, call: CallState, call_sid: str, sender: str, provider_id: str
    ) -> Response:
        """No input: the prompt once more, then the main menu; after that, goodbye."""
        call.silences += 1
        language = call.language or self._default()
        if call.silences >= SILENCES_BEFORE_GOODBYE:
            await forget_call(self.runtime.store, call_sid)
            response = VoiceResponse()
            self._add(response, [self._say(GOODBYE_SILENCE, language)])
            response.hangup()
            return _twiml(response)
        if call.silences == SILENCES_BEFORE_MENU or not call.prompt:
            inbound = Inbound(CHANNEL, sender, provider_id=provider_id, intent="help_menu")
            return await self._answer(call, call_sid, await self.runtime.engine.handle(inbound))
        await save_call(self.runtime.store, call_sid, call)
        return self._gather(call, [], [self._say(SILENCE, language), *call.prompt])

    async def _counsellor(
        self, call: CallState, call_sid: str, sender: str, provider_id: str
    ) -> Response:
        """ "0": the queue when someone can answer; otherwise voicemail, which opens the ticket."""
        if call.language is not None and not await self._can_answer(call.language):
            await save_call(self.runtime.store, call_sid, call)
            return self._voicemail([], call.language)
        inbound = Inbound(CHANNEL, sender, "0", provider_id=provider_id, intent="talk_to_human")
        result = await self.runtime.engine.handle(inbound)
        return await self._answer(call, call_sid, result, pressed_zero=True)

    async def _handoff(self, replies: list[Reply], language: str) -> Response:
        said = self.speech.turn(replies, language, keys=False).all()
        if not await self._can_answer(language):
            safety = any(
                isinstance(r.body, Answer) and r.body.key == SAFETY_ANSWER for r in replies
            )
            return self._voicemail(said, language, emergency=not safety)
        response = VoiceResponse()
        self._add(response, [*said, self._say(HOLD, language)])
        response.enqueue(
            self.voices.queue_of(language),
            action=self._url(f"/queue?lang={language}"),
            method="POST",
            wait_url=self._url(f"/wait?lang={language}"),
            wait_url_method="POST",
        )
        return _twiml(response)

    def _voicemail(self, said: list[Segment], language: str, emergency: bool = True) -> Response:
        """Nobody can answer: the hours, the emergency numbers, then a message of two minutes."""
        segments = [*said, self._say(UNAVAILABLE, language)]
        catalogs = self.runtime.content.catalogs
        hours = spoken_hours(
            self.runtime.hours,
            catalogs.language(language),
            lambda text: self.runtime.engine.renderer.text(text, language),
        )
        if hours:
            segments.append(Segment(language, say=hours))
        if emergency:
            segments += self.speech.reply(Reply(Answer(EMERGENCY_ANSWER)), language)
        segments.append(self._say(VOICEMAIL, language))
        response = VoiceResponse()
        self._add(response, segments)
        response.record(
            action=self._url(f"/record?lang={language}"),
            method="POST",
            max_length=RECORD_SECONDS,
            timeout=10,
            finish_on_key="#",
            play_beep=True,
        )
        # Twilio goes on here only when nothing was recorded.
        self._add(response, [self._say(NO_RECORDING, language)])
        response.hangup()
        return _twiml(response)

    # --- TwiML --------------------------------------------------------------------------------

    def _gather(self, call: CallState, before: list[Segment], prompt: list[Segment]) -> Response:
        """`before`, then `prompt` inside a <Gather>; no answer comes back to the same step."""
        response = VoiceResponse()
        self._add(response, before)
        action = self._url(f"/gather?step={call.step}")
        listening = call.language or self._default()
        gather = response.gather(
            input="dtmf speech",
            action=action,
            method="POST",
            num_digits=1,
            timeout=GATHER_TIMEOUT,
            speech_timeout="auto",
            language=self.voices.speaking(listening).speech_language,
            hints=", ".join(call.hints)[:1000] or None,
        )
        self._add(gather, prompt)
        response.redirect(action, method="POST")
        return _twiml(response)

    def _add(self, parent: VoiceResponse | Gather, segments: Sequence[Segment]) -> None:
        for segment in segments:
            if segment.play:
                parent.play(segment.play)
            elif segment.say:
                speaking = self.voices.speaking(segment.language)
                parent.say(segment.say, voice=speaking.voice, language=speaking.say_language)

    def _say(self, text: Text, language: str | None) -> Segment:
        return self.speech.text(text, language or self._default())

    def _url(self, path: str) -> str:
        return f"{self.settings.public_url}{PATH}{path}"

    # --- helpers ------------------------------------------------------------------------------

    async def _checked(self, request: Request) -> tuple[dict[str, str], str, str] | Response:
        """The signed form, the CallSid and the caller's address; 403 or 400 otherwise."""
        form = await verified_form(request, self.settings)
        if isinstance(form, Response):
            return form
        call_sid = form.get("CallSid", "")
        if not CALL_SID.fullmatch(call_sid):
            return PlainTextResponse("`CallSid` is missing or malformed", status_code=400)
        number = form.get("From", "").strip()
        if not number:
            return PlainTextResponse("`From` is missing", status_code=400)
        if number.lower() in WITHHELD or not any(c.isdigit() for c in number):
            # A hidden number is no address: each such call is a person of its own.
            number = f"anonymous:{call_sid}"
        return form, call_sid, number

    def _language(self, request: Request) -> str:
        wanted = request.query_params.get("lang", "")
        return wanted if wanted in self.languages else self._default()

    def _default(self) -> str:
        default = self.runtime.engine.default_language
        return default if default in self.languages else self.languages[0]

    def _spoken_language(self, spoken: str) -> str | None:
        """The language a caller named at the language menu ("arabe", "English"), if one."""
        dialogue = self.runtime.engine.dialogue
        words = f" {dialogue.normalise(spoken)} "
        found = {
            code
            for code, names in dialogue.language_names.items()
            for name in names
            if len(name) > 2 and f" {name} " in words
        }
        return found.pop() if len(found) == 1 else None

    async def _can_answer(self, language: str) -> bool:
        """Opening hours, and a counsellor on duty who speaks the caller's language."""
        if not self.runtime.hours.is_open(self.runtime.engine.clock()):
            return False
        return await anyio.to_thread.run_sync(self._on_duty, language)

    def _on_duty(self, language: str) -> bool:
        with self.runtime.db.session() as session:
            spoken = session.scalars(
                select(Counsellor.languages).where(
                    Counsellor.active.is_(True), Counsellor.on_duty.is_(True)
                )
            )
            return any(language in (code.strip() for code in codes.split(",")) for codes in spoken)

    def _audio_dir(self, language: str) -> Path:
        return self.runtime.content.dir / "locales" / language / "audio"

    def _recording(self, language: str, key: str) -> str | None:
        name = f"{key}.mp3"
        if AUDIO_NAME.fullmatch(name) and (self._audio_dir(language) / name).is_file():
            return self._url(f"/audio/{language}/{name}")
        return None


def _announces_handoff(replies: Sequence[Reply]) -> bool:
    """The engine opened (or found) a ticket this turn: it says so to text channels."""
    notices = (QUEUED.ctx, CLOSED_NOW.ctx)
    return any(isinstance(r.body, Text) and r.body.ctx in notices for r in replies)


def _without_notices(replies: Sequence[Reply]) -> list[Reply]:
    """The replies without the engine's queue notices, which the phone says its own way
    ("stay on the line", or the hours and a voicemail)."""
    kept: list[Reply] = []
    after_closed = False
    for reply in replies:
        body = reply.body
        if isinstance(body, Text) and body.ctx in (QUEUED.ctx, CLOSED_NOW.ctx):
            after_closed = body.ctx == CLOSED_NOW.ctx
            continue
        if after_closed and isinstance(body, Answer) and body.key == EMERGENCY_ANSWER:
            after_closed = False
            continue
        after_closed = False
        kept.append(reply)
    return kept


def _twiml(response: VoiceResponse) -> Response:
    return Response(response.to_xml(), media_type="application/xml")


def create(runtime: Runtime) -> VoiceAdapter | None:
    """The phone line, when Twilio is configured (its auth token checks every webhook)."""
    if not runtime.settings.twilio_auth_token:
        return None
    voices = VoiceSettings.load(runtime.settings, runtime.content.catalogs.languages.values())
    adapter = VoiceAdapter(runtime, voices)
    adapter.check_recordings()
    return adapter
