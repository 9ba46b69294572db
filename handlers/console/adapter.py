"""The console as an adapter: its routes under /console, mounted with their own session cookie.

It serves no channel of people (`channels = ()`): counsellors' replies leave through the outbox
and the adapter of the person's own channel.
"""

from __future__ import annotations

from collections.abc import Sequence

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.counsellors import SUPERVISING
from bot.domain import Capabilities
from bot.outbox import Delivery, Undeliverable
from bot.runtime import Runtime
from handlers.console.actions import Actions
from handlers.console.canned import load_canned
from handlers.console.context import HERE, PREFIX, SESSION_MAX_AGE, Console
from handlers.console.media import Media
from handlers.console.pages import Pages
from handlers.console.stream import Stream


class ConsoleAdapter:
    name = "console"
    channels: tuple[str, ...] = ()

    def __init__(self, runtime: Runtime) -> None:
        content = runtime.content
        self.console = Console(runtime, load_canned(content.dir, content.catalogs.languages))

    def capabilities(self, channel: str) -> Capabilities:
        return Capabilities()

    async def send(self, delivery: Delivery) -> Sequence[str]:
        raise Undeliverable("the console is not a channel to people")

    async def start(self) -> None:
        self.console.http = httpx.AsyncClient(timeout=httpx.Timeout(20.0, connect=5.0))

    async def stop(self) -> None:
        if self.console.http is not None:
            await self.console.http.aclose()
            self.console.http = None

    def routes(self) -> Sequence[BaseRoute]:
        return [Mount(PREFIX, app=self.app(), name="console")]

    def app(self) -> Starlette:
        c = self.console
        pages, stream, media = Pages(c), Stream(c), Media(c)
        actions = Actions(c, pages)
        guard = c.guard
        supervisors = SUPERVISING
        admins = ("admin",)
        ticket = "/tickets/{ticket:int}"
        routes = [
            Route("/", guard(pages.queue)),
            Route("/login", pages.login_form),
            Route("/login", pages.login, methods=["POST"]),
            Route("/logout", guard(pages.logout), methods=["POST"]),
            Route("/board", guard(pages.board)),
            Route("/events", guard(stream.events)),
            Route("/duty", guard(actions.duty), methods=["POST"]),
            Route("/language", actions.language, methods=["POST"]),
            Route(ticket, guard(pages.ticket)),
            Route(ticket + "/case", guard(pages.case)),
            Route(ticket + "/claim", guard(actions.claim), methods=["POST"]),
            Route(ticket + "/reply", guard(actions.reply), methods=["POST"]),
            Route(ticket + "/note", guard(actions.note), methods=["POST"]),
            Route(ticket + "/release", guard(actions.release), methods=["POST"]),
            Route(ticket + "/transfer", guard(actions.transfer), methods=["POST"]),
            Route(ticket + "/close", guard(actions.close), methods=["POST"]),
            Route(ticket + "/reveal", guard(actions.reveal), methods=["POST"]),
            Route("/media/{message:int}/{index:int}", guard(media.play)),
            Route("/supervision", guard(pages.supervision, supervisors)),
            Route("/accounts", guard(pages.accounts, admins)),
            Route("/accounts", guard(actions.add_account, admins), methods=["POST"]),
            Route(
                "/accounts/{account:int}/active",
                guard(actions.toggle_account, admins),
                methods=["POST"],
            ),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="console-static"),
        ]
        settings = c.runtime.settings
        session = Middleware(
            SessionMiddleware,
            secret_key=settings.secret_key,
            session_cookie="sanad_console",
            max_age=SESSION_MAX_AGE,
            path=PREFIX,
            same_site="strict",
            https_only=settings.public_url.startswith("https://"),
        )
        return Starlette(routes=routes, middleware=[session])


def create(runtime: Runtime) -> ConsoleAdapter:
    """Always on: it needs only SANAD_SECRET_KEY, which production requires."""
    return ConsoleAdapter(runtime)
