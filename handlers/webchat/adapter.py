"""Web chat adapter: HTTP ↔ `Inbound`, replies as JSON with their options as buttons."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

from babel import Locale, negotiate_locale
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.app import json_body
from bot.domain import Capabilities, Inbound, Text
from bot.outbox import Delivery
from bot.runtime import Runtime

HERE = Path(__file__).resolve().parent
SESSION = re.compile(r"^[A-Za-z0-9_-]{8,128}$")
MESSAGE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
CAPABILITIES = Capabilities(buttons=True, max_length=4096, variant="text")
KEEPALIVE_SECONDS = 15.0
ANSWER_KEPT = 600.0  # seconds an answer is kept for a retry of the same message
MESSAGES_PER_MINUTE = 30  # per web chat session: far above a person typing
MESSAGES_PER_MINUTE_PER_ADDRESS = 120  # per network address (a shared phone, a café)

# The page's own words, translated like everything else (extracted by `make messages`).
CHROME = {
    "title": Text("webchat.title", "Sanad — free and confidential help"),
    "placeholder": Text("webchat.placeholder", "Write your message…"),
    "send": Text("webchat.send", "Send"),
    "language": Text("webchat.language", "Language"),
    "privacy": Text(
        "webchat.privacy",
        "Free and confidential. Do not share your full name or papers number. "
        "Write “delete my data” at any time to erase this conversation.",
    ),
    "offline": Text("webchat.offline", "No connection. Your message was not sent; try again."),
}


class WebchatAdapter:
    name = "webchat"
    channels = ("webchat",)

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"])
        )

    def capabilities(self, channel: str) -> Capabilities:
        return CAPABILITIES

    def routes(self) -> Sequence[BaseRoute]:
        return [
            Route("/", self.page),
            Route("/api/webchat/messages", self.message, methods=["POST"]),
            Route("/api/webchat/events", self.events),
            Mount("/static/webchat", StaticFiles(directory=HERE / "static"), name="webchat-static"),
        ]

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    # --- the page -----------------------------------------------------------------------------

    async def page(self, request: Request) -> Response:
        catalogs = self.runtime.content.catalogs
        codes = list(catalogs.languages)
        wanted = [
            part.split(";")[0].strip().replace("-", "_")
            for part in request.headers.get("accept-language", "").split(",")
            if part.strip()
        ]
        chosen = negotiate_locale(wanted, codes, sep="_") or "fr"
        chosen = Locale.parse(chosen).language if chosen not in codes else chosen
        if chosen not in codes:
            chosen = "fr" if "fr" in codes else codes[0]
        renderer = self.runtime.engine.renderer
        chrome = {
            code: {key: renderer.text(text, code) for key, text in CHROME.items()} for code in codes
        }
        languages = [
            {"code": code, "name": lang.name, "dir": lang.direction}
            for code, lang in catalogs.languages.items()
        ]
        html = self.templates.get_template("index.html").render(
            lang=chosen,
            dir=catalogs.language(chosen).direction,
            chrome=chrome[chosen],
            chrome_json=json.dumps(chrome, ensure_ascii=False),
            languages=languages,
            languages_json=json.dumps(languages, ensure_ascii=False),
        )
        return HTMLResponse(
            html,
            headers={
                "Content-Security-Policy": "default-src 'self'; style-src 'self'; script-src "
                "'self'; "
                "img-src 'self' data:; connect-src 'self'",
                "Referrer-Policy": "no-referrer",
                "X-Content-Type-Options": "nosniff",
            },
        )

    # --- the API ------------------------------------------------------------------------------

    async def message(self, request: Request) -> Response:
        payload = await json_body(request)
        if isinstance(payload, Response):
            return payload
        session = payload.get("session")
        if not isinstance(session, str) or not SESSION.match(session):
            return JSONResponse(
                {"error": "`session` must be 8 to 128 letters, digits, - or _"}, status_code=400
            )
        text, option, message_id = payload.get("text"), payload.get("option"), payload.get("id")
        if text is not None and not isinstance(text, str):
            return JSONResponse({"error": "`text` must be a string"}, status_code=400)
        if option is not None and not isinstance(option, str):
            return JSONResponse({"error": "`option` must be a string"}, status_code=400)
        if text is None and option is None:
            return JSONResponse({"error": "send `text` or `option`"}, status_code=400)
        if message_id is not None and (
            not isinstance(message_id, str) or not MESSAGE_ID.match(message_id)
        ):
            return JSONResponse(
                {"error": "`id` must be up to 64 letters, digits, - or _"}, status_code=400
            )
        limited = await self._rate_limited(request, session)
        if limited is not None:
            return limited
        # The session is the person's only credential: never stored, not even in a message id.
        provider_id = (
            self.runtime.vault.pseudonym("webchat", session, message_id) if message_id else None
        )
        inbound = Inbound(
            channel="webchat",
            sender=session,
            text=text or "",
            option=option,
            provider_id=provider_id,
        )
        result = await self.runtime.engine.handle(inbound)
        store = self.runtime.store
        if result.duplicate and provider_id:
            # A retry of a message whose answer was lost: the same answer again, not silence.
            cached = await store.get("webchat:answer:" + provider_id)
            if cached is not None:
                return Response(cached, media_type="application/json")
        language = self.runtime.content.catalogs.language(result.language)
        renderer = self.runtime.engine.renderer
        body = json.dumps(
            {
                "replies": [
                    renderer.render(r, result.language, CAPABILITIES).to_dict()
                    for r in result.replies
                ],
                "state": result.state,
                "language": language.code,
                "direction": language.direction,
            },
            ensure_ascii=False,
        )
        if provider_id and not result.duplicate:
            await store.set("webchat:answer:" + provider_id, body, ttl=ANSWER_KEPT)
        return Response(body, media_type="application/json")

    async def _rate_limited(self, request: Request, session: str) -> Response | None:
        """Per session and per address, so one script cannot flood the counsellors' queue."""
        store, vault = self.runtime.store, self.runtime.vault
        address = request.client.host if request.client else "-"
        per_session = await store.incr("webchat:rate:" + vault.pseudonym("webchat", session), 60)
        per_address = await store.incr("webchat:rate-ip:" + vault.pseudonym("ip", address), 60)
        if per_session > MESSAGES_PER_MINUTE or per_address > MESSAGES_PER_MINUTE_PER_ADDRESS:
            return JSONResponse(
                {"error": "too many messages: wait a minute, then write again"},
                status_code=429,
                headers={"Retry-After": "60"},
            )
        return None

    async def events(self, request: Request) -> Response:
        """Server-sent events: what a counsellor writes to this session."""
        session = request.query_params.get("session", "")
        if not SESSION.match(session):
            return JSONResponse({"error": "`session` is missing or malformed"}, status_code=400)
        key = self.runtime.engine.contact_key("webchat", session)
        store = self.runtime.store

        async def stream() -> AsyncIterator[str]:
            import asyncio

            async with store.subscribe("webchat:" + key) as messages:
                yield ": connected\n\n"
                iterator = messages.__aiter__()
                # One read stays pending across keep-alives: cancelling it inside the
                # subscription's generator would end the subscription after the first one.
                pending: asyncio.Future[str] | None = None
                try:
                    while not await request.is_disconnected():
                        if pending is None:
                            pending = asyncio.ensure_future(iterator.__anext__())
                        done, _ = await asyncio.wait({pending}, timeout=KEEPALIVE_SECONDS)
                        if not done:
                            yield ": keep-alive\n\n"
                            continue
                        item, pending = pending.result(), None
                        yield f"data: {item}\n\n"
                finally:
                    if pending is not None:
                        pending.cancel()

        return StreamingResponse(
            stream(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    async def send(self, delivery: Delivery) -> Sequence[str]:
        """A counsellor's message to an open web chat page, as a server-sent event.

        A page that is closed misses the event; the message stays in the conversation's history."""
        key = self.runtime.engine.contact_key("webchat", delivery.address)
        lang = self.runtime.content.catalogs.language(delivery.language)
        payload = {
            "replies": [m.to_dict() for m in delivery.messages],
            "language": lang.code,
            "direction": lang.direction,
        }
        await self.runtime.store.publish("webchat:" + key, json.dumps(payload, ensure_ascii=False))
        return ()


def create(runtime: Runtime) -> WebchatAdapter:
    return WebchatAdapter(runtime)
