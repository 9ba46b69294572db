"""Voicemail playback: the console fetches the recording from the provider and passes it on.

Twilio's recording URLs need the account's credentials, which never reach the browser. They are
sent only to Twilio's own API origin (or TWILIO_API_URL in tests): a recording reference that
points anywhere else is refused, so a crafted message cannot make the console leak them.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from bot.counsellors import Identity
from bot.escalation import EscalationError
from handlers.console.context import HEADERS, Console

TWILIO_API = "https://api.twilio.com"
PLAYABLE = ("audio/", "video/")


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, parts.hostname or "", parts.port


class Media:
    def __init__(self, console: Console) -> None:
        self.c = console

    def _twilio(self, ref: str) -> tuple[str, str] | None:
        """The credentials to fetch `ref` with, if it is a recording on Twilio's API."""
        settings = self.c.runtime.settings
        if not (settings.twilio_account_sid and settings.twilio_auth_token):
            return None
        origins = {_origin(TWILIO_API)}
        if settings.twilio_api_url:
            origins.add(_origin(settings.twilio_api_url))
        if _origin(ref) not in origins:
            return None
        return settings.twilio_account_sid, settings.twilio_auth_token

    async def play(self, request: Request, who: Identity) -> Response:
        message_id = int(request.path_params["message"])
        index = int(request.path_params["index"])
        w = self.c.words(self.c.language(request))
        try:
            ref, mime = await self.c.desk.attachment(message_id, index, who)  # an audit event
        except EscalationError as error:
            return PlainTextResponse(w.text(error.reason), 404, headers=HEADERS)
        credentials = self._twilio(ref)
        if credentials is None or self.c.http is None:
            return PlainTextResponse(w.format("attachment", kind=mime or "?"), 404, headers=HEADERS)
        try:
            # Twilio answers with a redirect to storage; httpx drops the credentials when a
            # redirect leaves the origin they were meant for.
            upstream = await self.c.http.send(
                self.c.http.build_request("GET", ref),
                auth=credentials,
                stream=True,
                follow_redirects=True,
            )
        except httpx.HTTPError:
            return PlainTextResponse(w.media_failed, 502, headers=HEADERS)
        kind = upstream.headers.get("content-type", mime or "audio/wav")
        if upstream.status_code != 200 or not kind.startswith(PLAYABLE):
            await upstream.aclose()
            return PlainTextResponse(w.media_failed, 502, headers=HEADERS)
        return StreamingResponse(
            upstream.aiter_bytes(),
            media_type=kind,
            headers=HEADERS,
            background=BackgroundTask(upstream.aclose),
        )
