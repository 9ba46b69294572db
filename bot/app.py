"""The ASGI application: core routes plus the routes of every channel adapter found."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator

from prometheus_client import generate_latest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.channels import discover
from bot.engine import clean
from bot.metrics import REGISTRY
from bot.runtime import Runtime
from bot.settings import Settings

log = logging.getLogger(__name__)


def create_app(runtime: Runtime) -> Starlette:
    """Build the app around a runtime; the adapters' routes come from the entry points."""
    adapters = discover(runtime)
    runtime.adapters.update({name: adapter for adapter in adapters for name in adapter.channels})

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def metrics(_: Request) -> Response:
        return Response(generate_latest(REGISTRY), media_type="text/plain; version=0.0.4")

    async def nlu_parse(request: Request) -> Response:
        payload = await json_body(request)
        if isinstance(payload, Response):
            return payload
        text = payload.get("text") if isinstance(payload, dict) else None
        if not isinstance(text, str):
            return JSONResponse({"error": "send a JSON object with a string field `text`"}, 400)
        parse = runtime.engine.parse(clean(text))
        return JSONResponse(parse.to_dict())

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        for adapter in adapters:
            await adapter.start()
        workers = [
            asyncio.create_task(work(), name=name) for name, work in runtime.workers().items()
        ]
        try:
            yield
        finally:
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            for adapter in reversed(adapters):
                await adapter.stop()
            await runtime.aclose()

    routes: list[BaseRoute] = [
        Route("/healthz", healthz),
        Route("/metrics", metrics),
        Route("/api/nlu/parse", nlu_parse, methods=["POST"]),
    ]
    for adapter in adapters:
        routes.extend(adapter.routes())
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[
            Middleware(BodyLimit, limit=MAX_BODY),
            Middleware(GZipMiddleware, minimum_size=1024),
        ],
    )
    app.state.runtime = runtime
    return app


def app_from_environment() -> Starlette:
    """`uvicorn --factory bot.app:app_from_environment` (what docker-compose runs)."""
    return create_app(Runtime.create(Settings.load()))


MAX_BODY = 1024 * 1024  # no webhook, message or form of ours comes near; 413 above it


class _TooLarge(Exception):
    pass


class BodyLimit:
    """Refuse a request body over `limit` bytes before it is read into memory: by its
    Content-Length when it gives one, while it streams otherwise."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > self.limit:
            await _too_large(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await _too_large(scope, receive, send)


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    response = JSONResponse({"error": "the request is too large (1 MB at most)"}, status_code=413)
    await response(scope, receive, send)


async def json_body(request: Request) -> dict[str, object] | Response:
    """The request's JSON object, or a 400 response saying what is wrong."""
    raw = await request.body()
    if len(raw) > 64 * 1024:
        return JSONResponse({"error": "the request is too large (64 KB at most)"}, 413)
    try:
        payload = json.loads(raw.decode("utf-8", errors="replace"))
    except ValueError:
        return JSONResponse({"error": "the body is not valid JSON"}, 400)
    if not isinstance(payload, dict):
        return JSONResponse({"error": "the body must be a JSON object"}, 400)
    return payload
