"""What every console page shares: runtime, desk, templates, words, the signed-in counsellor.

Sessions are Starlette's signed cookie (SANAD_SECRET_KEY), SameSite=strict, HTTPS-only when
SANAD_PUBLIC_URL is https. The cookie holds the counsellor's id, a stamp of their password hash
(a new password ends old sessions), the CSRF token and the UI language — never personal data.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import anyio
import httpx
from babel import Locale, negotiate_locale
from babel.dates import format_datetime, format_timedelta
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from bot import counsellors
from bot.counsellors import Identity
from bot.escalation import CheckInHistory, Desk, EscalationError, QueueItem
from bot.runtime import Runtime
from handlers.console.canned import Canned
from handlers.console.words import Words

HERE = Path(__file__).resolve().parent
PREFIX = "/console"
SESSION_MAX_AGE = 12 * 3600  # one long shift
LOGIN_WINDOW = 15 * 60
LOGIN_TRIES_PER_NAME = 5
LOGIN_TRIES_PER_ADDRESS = 30
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self'; script-src 'self'; "
    "img-src 'self' data:; media-src 'self'; connect-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}

T = TypeVar("T")
Handler = Callable[[Request, Identity], Awaitable[Response]]


class Console:
    def __init__(self, runtime: Runtime, canned: dict[str, tuple[Canned, ...]]) -> None:
        self.runtime = runtime
        self.canned = canned
        engine = runtime.engine
        self.desk = Desk(
            runtime.db,
            runtime.store,
            runtime.vault,
            runtime.outbox,
            engine.clock,
            engine.default_language,
        )
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"])
        )
        self.http: httpx.AsyncClient | None = None  # opened by the adapter's start()
        self._words: dict[str, Words] = {}

    @property
    def clock(self) -> Callable[[], datetime]:
        return self.runtime.engine.clock

    async def db(self, work: Callable[[Session], T]) -> T:
        """Run a unit of work on the database in a worker thread (never block the event loop)."""

        def run() -> T:
            with self.runtime.db.session() as session:
                return work(session)

        return await anyio.to_thread.run_sync(run)

    # --- language -------------------------------------------------------------------------

    def language(self, request: Request) -> str:
        codes = list(self.runtime.content.catalogs.languages)
        chosen = request.session.get("lang")
        if chosen in codes:
            return str(chosen)
        wanted = [
            part.split(";")[0].strip().replace("-", "_")
            for part in request.headers.get("accept-language", "").split(",")
            if part.strip()
        ]
        found = negotiate_locale(wanted, codes, sep="_")
        if found and found not in codes:
            found = Locale.parse(found).language
        return found if found in codes else ("fr" if "fr" in codes else codes[0])

    def words(self, language: str) -> Words:
        if language not in self._words:
            self._words[language] = Words(self.runtime.engine.renderer, language)
        return self._words[language]

    # --- who is signed in -----------------------------------------------------------------

    async def who(self, request: Request) -> Identity | None:
        counsellor_id, stamp = request.session.get("counsellor"), request.session.get("stamp")
        if not isinstance(counsellor_id, int) or not isinstance(stamp, str):
            return None
        return await self.db(lambda s: counsellors.current(s, counsellor_id, stamp))

    def guard(
        self, handler: Handler, roles: tuple[str, ...] | None = None
    ) -> Callable[[Request], Awaitable[Response]]:
        """No session: to the sign-in page, never data. Wrong role: 403. A POST without the
        session's CSRF token: 403."""

        async def endpoint(request: Request) -> Response:
            who = await self.who(request)
            if who is None:
                request.session.pop("counsellor", None)
                target = PREFIX + "/login"
                if request.method == "GET" and not request.url.path.startswith(PREFIX + "/events"):
                    target += "?next=" + quote(request.url.path, safe="/")
                return RedirectResponse(target, status_code=303, headers=HEADERS)
            if roles is not None and who.role not in roles:
                w = self.words(self.language(request))
                return self.problem(
                    request, who, w.admins_only if roles == ("admin",) else w.supervisors_only, 403
                )
            if request.method == "POST" and not await self.csrf_ok(request):
                return self.problem(request, who, self.words(self.language(request)).csrf, 403)
            return await handler(request, who)

        return endpoint

    # --- CSRF, flash, rate limit ----------------------------------------------------------

    @staticmethod
    def csrf(request: Request) -> str:
        token = request.session.get("csrf")
        if not isinstance(token, str):
            token = secrets.token_urlsafe(32)
            request.session["csrf"] = token
        return token

    async def csrf_ok(self, request: Request) -> bool:
        """The form's (or the X-CSRF-Token header's) token must be this session's."""
        form = await self.form(request)
        sent = form.get("csrf") or request.headers.get("x-csrf-token") or ""
        expected = request.session.get("csrf")
        return (
            isinstance(sent, str)
            and isinstance(expected, str)
            and bool(expected)
            and hmac.compare_digest(sent.encode(), expected.encode())
        )

    @staticmethod
    async def form(request: Request) -> FormData:
        if not hasattr(request.state, "form"):
            request.state.form = await request.form(max_files=0, max_fields=20)
        return request.state.form  # type: ignore[no-any-return]

    @staticmethod
    def flash(request: Request, text: str, kind: str = "ok") -> None:
        request.session["flash"] = {"text": text[:300], "kind": kind}

    def _limit_keys(self, request: Request, name: str) -> tuple[str, str]:
        secret = self.runtime.settings.secret_key.encode()

        def h(value: str) -> str:
            return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()[:24]

        address = request.client.host if request.client else "-"
        return "console:login:name:" + h(name.strip().lower()), "console:login:addr:" + h(address)

    async def login_allowed(self, request: Request, name: str) -> bool:
        """Count this attempt first (an atomic increment), then decide: guesses sent in parallel
        cannot all pass a check made before any of them is counted."""
        by_name, by_address = self._limit_keys(request, name)
        store = self.runtime.store
        tries_name = await store.incr(by_name, LOGIN_WINDOW)
        tries_address = await store.incr(by_address, LOGIN_WINDOW)
        return tries_name <= LOGIN_TRIES_PER_NAME and tries_address <= LOGIN_TRIES_PER_ADDRESS

    async def login_succeeded(self, request: Request, name: str) -> None:
        await self.runtime.store.delete(self._limit_keys(request, name)[0])

    # --- rendering ------------------------------------------------------------------------

    def render(
        self,
        request: Request,
        template: str,
        who: Identity | None,
        status: int = 200,
        **context: Any,
    ) -> HTMLResponse:
        language = self.language(request)
        lang = self.runtime.content.catalogs.language(language)
        w = self.words(language)
        flash = request.session.pop("flash", None)
        case = context.get("case")
        config = {
            "signedIn": who is not None,
            "me": who.id if who else None,
            "words": w.for_script(),
            "ticket": case.ticket.id if case else None,
            "conversation": case.ticket.conversation_id if case else None,
        }
        html = self.templates.get_template(template).render(
            lang=lang.code,
            dir=lang.direction,
            w=w,
            who=who,
            csrf=self.csrf(request),
            flash=flash,
            fmt=_Format(self, lang.code),
            languages=self.runtime.content.catalogs.languages,
            path=request.url.path,
            config=config,
            **context,
        )
        return HTMLResponse(html, status_code=status, headers=HEADERS)

    def fragment(
        self, request: Request, template: str, who: Identity, **context: Any
    ) -> HTMLResponse:
        language = self.language(request)
        html = self.templates.get_template(template).render(
            w=self.words(language),
            who=who,
            csrf=self.csrf(request),
            fmt=_Format(self, language),
            **context,
        )
        return HTMLResponse(html, headers=HEADERS)

    def problem(
        self, request: Request, who: Identity | None, text: str, status: int
    ) -> HTMLResponse:
        return self.render(request, "problem.html", who, status=status, message=text)

    def refused(self, request: Request, error: EscalationError, to: str) -> Response:
        """A refused action: say why, on the page the counsellor goes back to."""
        self.flash(request, self.words(self.language(request)).text(error.reason), "error")
        return redirect(to)


def redirect(to: str) -> RedirectResponse:
    return RedirectResponse(to, status_code=303, headers=HEADERS)


def safe_next(target: str | None) -> str:
    """Only a path inside the console: never an open redirect to another site."""
    if (
        target
        and target.startswith(PREFIX + "/")
        and not target.startswith("//")
        and "\\" not in target
        and "//" not in target
    ):
        return target
    return PREFIX + "/"


class _Format:
    """Dates, durations and language names in the console's language (babel)."""

    def __init__(self, console: Console, language: str) -> None:
        self.console, self.language = console, language
        self.locale = console.runtime.content.catalogs.language(language).locale

    def waited(self, delta: timedelta | None) -> str:
        if delta is None:
            return "—"
        return format_timedelta(max(delta, timedelta(0)), threshold=1.5, locale=self.locale)

    def wait(self, item: QueueItem) -> str:
        """How long the person waited for a counsellor (until one took it)."""
        return self.waited(item.waiting(self.console.clock()))

    def since(self, moment: datetime) -> str:
        return self.waited(self.console.clock() - moment)

    def at(self, moment: datetime) -> str:
        zone = self.console.runtime.hours.zone
        return format_datetime(moment.astimezone(zone), format="short", locale=self.locale)

    def offer_at(self, history: CheckInHistory) -> int:
        questionnaire = self.console.runtime.content.questionnaires.get(history.questionnaire)
        return questionnaire.offer_at if questionnaire else 0

    def trend(self, history: CheckInHistory) -> Markup:
        """The scores of the answered check-ins as a small SVG line (no script, no library)."""
        questionnaire = self.console.runtime.content.questionnaires.get(history.questionnaire)
        top = (
            sum(max(c.score for c in item.choices) for item in questionnaire.items)
            if questionnaire
            else 0
        )
        offer = questionnaire.offer_at if questionnaire else 0
        points = [(i, row.score) for i, row in enumerate(history.rows) if row.score is not None]
        top = max([top, offer, 1] + [score for _, score in points])
        width, height, pad = 240, 60, 4
        step = (width - 2 * pad) / max(len(history.rows) - 1, 1)

        def y(score: float) -> float:
            return round(height - pad - (height - 2 * pad) * score / top, 1)

        line = " ".join(f"{round(pad + i * step, 1)},{y(score)}" for i, score in points)
        dots = "".join(
            f'<circle cx="{round(pad + i * step, 1)}" cy="{y(score)}" r="3"/>'
            for i, score in points
        )
        threshold = (
            f'<line class="offer" x1="0" x2="{width}" y1="{y(offer)}" y2="{y(offer)}"/>'
            if offer
            else ""
        )
        return Markup(
            f'<svg class="trend" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'role="img" aria-hidden="true">{threshold}<polyline points="{line}"/>{dots}</svg>'
        )

    def language_name(self, code: str | None) -> str:
        if not code:
            return self.console.words(self.language).unknown_language
        return str(self.locale.languages.get(code, code))

    def languages(self, codes: str | tuple[str, ...]) -> str:
        items = codes.split(",") if isinstance(codes, str) else codes
        return ", ".join(self.language_name(code) for code in items if code)
