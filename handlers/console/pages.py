"""The console's pages: sign in and out, the queue, a conversation, supervision, accounts."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot import counsellors
from bot.counsellors import Identity
from bot.escalation import Case, EscalationError
from handlers.console.context import PREFIX, Console, redirect, safe_next


class Pages:
    def __init__(self, console: Console) -> None:
        self.c = console

    # --- signing in -----------------------------------------------------------------------

    async def login_form(self, request: Request) -> Response:
        if await self.c.who(request) is not None:
            return redirect(PREFIX + "/")
        return self.c.render(request, "login.html", None, next=request.query_params.get("next", ""))

    async def login(self, request: Request) -> Response:
        """One generic error for a wrong name or password; attempts are rate-limited."""
        c = self.c
        w = c.words(c.language(request))
        if not await c.csrf_ok(request):
            return c.problem(request, None, w.csrf, 403)
        form = await c.form(request)
        name = str(form.get("name") or "")[:80]
        password = str(form.get("password") or "")[:1024]
        target = safe_next(str(form.get("next") or ""))
        if not await c.login_allowed(request, name):
            return c.render(
                request, "login.html", None, 429, error=w.login_limited, name=name, next=target
            )
        who = await c.db(lambda s: counsellors.authenticate(s, name, password))
        if who is None:
            return c.render(
                request, "login.html", None, 401, error=w.login_failed, name=name, next=target
            )
        await c.login_succeeded(request, name)
        language = request.session.get("lang")
        request.session.clear()  # a fresh session: nothing from before signing in carries over
        request.session.update({"counsellor": who.id, "stamp": who.stamp})
        if language:
            request.session["lang"] = language
        now = c.clock()
        await c.db(lambda s: counsellors.set_duty(s, who.id, True, now))
        return redirect(target)

    async def logout(self, request: Request, who: Identity) -> Response:
        now = self.c.clock()
        await self.c.db(lambda s: counsellors.set_duty(s, who.id, False, now))
        language = request.session.get("lang")
        request.session.clear()
        if language:
            request.session["lang"] = language
        self.c.flash(request, self.c.words(self.c.language(request)).signed_out)
        return redirect(PREFIX + "/login")

    # --- the queue ------------------------------------------------------------------------

    async def queue(self, request: Request, who: Identity) -> Response:
        board = await self.c.desk.board(who)
        return self.c.render(request, "queue.html", who, board=board)

    async def board(self, request: Request, who: Identity) -> Response:
        """The queue alone, for the page's script to refresh it live."""
        board = await self.c.desk.board(who)
        return self.c.fragment(request, "_board.html", who, board=board)

    # --- a conversation -------------------------------------------------------------------

    async def ticket(
        self, request: Request, who: Identity, revealed: str | None = None
    ) -> Response:
        ticket_id = int(request.path_params["ticket"])
        try:
            case = await self.c.desk.case(ticket_id, who)  # an audit event
        except EscalationError as error:
            return self.c.refused(request, error, PREFIX + "/")
        colleagues = await self._colleagues(case)
        language = case.contact_language or case.ticket.language or ""
        return self.c.render(
            request,
            "ticket.html",
            who,
            case=case,
            colleagues=colleagues,
            canned=self.c.canned.get(language, ()),
            revealed=revealed,
        )

    async def _colleagues(self, case: Case) -> list[tuple[int, str]]:
        """Who the conversation can be passed to: every active account but its holder."""
        return await self.c.db(
            lambda s: [
                (a.id, a.name)
                for a in counsellors.accounts(s, active_only=True)
                if a.id != case.ticket.counsellor_id
            ]
        )

    async def case(self, request: Request, who: Identity) -> Response:
        """The conversation's state and history alone, refreshed live (not an audit event:
        the counsellor opened it already)."""
        ticket_id = int(request.path_params["ticket"])
        try:
            case = await self.c.desk.case(ticket_id, who, audit=False)
        except EscalationError as error:
            return self.c.refused(request, error, PREFIX + "/")
        colleagues = await self._colleagues(case)
        return self.c.fragment(request, "_case.html", who, case=case, colleagues=colleagues)

    # --- supervision and accounts ---------------------------------------------------------

    async def supervision(self, request: Request, who: Identity) -> Response:
        overview = await self.c.desk.overview()
        board = await self.c.desk.board(who)
        return self.c.render(request, "supervision.html", who, overview=overview, board=board)

    async def accounts(self, request: Request, who: Identity) -> Response:
        rows = await self.c.db(
            lambda s: [
                (a.id, a.name, a.role, a.languages, a.active, a.on_duty)
                for a in counsellors.accounts(s)
            ]
        )
        return self.c.render(request, "accounts.html", who, accounts=rows, roles=counsellors.ROLES)
