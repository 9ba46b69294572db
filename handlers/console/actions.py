"""What the console's forms do. Each POST has passed the CSRF check (`Console.guard`); each
answers with a redirect (post/redirect/get) and a short message saying what happened or why not."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot import counsellors
from bot.counsellors import CounsellorError, Identity
from bot.escalation import EscalationError
from handlers.console.context import PREFIX, Console, redirect, safe_next
from handlers.console.pages import Pages


class Actions:
    def __init__(self, console: Console, pages: Pages) -> None:
        self.c, self.pages = console, pages

    def _ticket(self, request: Request) -> tuple[int, str]:
        ticket_id = int(request.path_params["ticket"])
        return ticket_id, f"{PREFIX}/tickets/{ticket_id}"

    async def _field(self, request: Request, name: str) -> str:
        value = (await self.c.form(request)).get(name)
        return value if isinstance(value, str) else ""

    async def claim(self, request: Request, who: Identity) -> Response:
        ticket_id, page = self._ticket(request)
        try:
            await self.c.desk.claim(ticket_id, who)
        except EscalationError as error:  # a colleague was faster, or it was closed meanwhile
            return self.c.refused(request, error, PREFIX + "/")
        self.c.flash(request, self.c.words(self.c.language(request)).claimed_ok)
        return redirect(page)

    async def reply(self, request: Request, who: Identity) -> Response:
        ticket_id, page = self._ticket(request)
        try:
            await self.c.desk.reply(ticket_id, who, await self._field(request, "text"))
        except EscalationError as error:
            return self.c.refused(request, error, page)
        return redirect(page + "#reply")

    async def note(self, request: Request, who: Identity) -> Response:
        ticket_id, page = self._ticket(request)
        try:
            await self.c.desk.note(ticket_id, who, await self._field(request, "text"))
        except EscalationError as error:
            return self.c.refused(request, error, page)
        return redirect(page + "#note")

    async def release(self, request: Request, who: Identity) -> Response:
        ticket_id, page = self._ticket(request)
        try:
            await self.c.desk.release(ticket_id, who)
        except EscalationError as error:
            return self.c.refused(request, error, page)
        self.c.flash(request, self.c.words(self.c.language(request)).released_ok)
        return redirect(PREFIX + "/")

    async def transfer(self, request: Request, who: Identity) -> Response:
        ticket_id, page = self._ticket(request)
        to = await self._field(request, "to")
        try:
            await self.c.desk.transfer(ticket_id, who, int(to) if to.isdigit() else 0)
        except EscalationError as error:
            return self.c.refused(request, error, page)
        name = await self.c.db(
            lambda s: next((a.name for a in counsellors.accounts(s) if str(a.id) == to), "")
        )
        words = self.c.words(self.c.language(request))
        self.c.flash(request, words.format("transferred_ok", name=name))
        return redirect(page if who.supervises else PREFIX + "/")

    async def close(self, request: Request, who: Identity) -> Response:
        ticket_id, page = self._ticket(request)
        try:
            await self.c.desk.close(ticket_id, who, await self._field(request, "outcome"))
        except EscalationError as error:
            return self.c.refused(request, error, page)
        self.c.flash(request, self.c.words(self.c.language(request)).closed_ok)
        return redirect(PREFIX + "/")

    async def reveal(self, request: Request, who: Identity) -> Response:
        """The number is shown on this page only: never put in the session cookie or a URL."""
        ticket_id, page = self._ticket(request)
        try:
            number = await self.c.desk.reveal(ticket_id, who)
        except EscalationError as error:
            return self.c.refused(request, error, page)
        return await self.pages.ticket(request, who, revealed=number)

    async def duty(self, request: Request, who: Identity) -> Response:
        on = await self._field(request, "on") == "1"
        now = self.c.clock()
        await self.c.db(lambda s: counsellors.set_duty(s, who.id, on, now))
        return redirect(safe_next(await self._field(request, "back")))

    async def language(self, request: Request) -> Response:
        """The console's language (also on the sign-in page, so no session is needed)."""
        if not await self.c.csrf_ok(request):
            return self.c.problem(request, None, self.c.words(self.c.language(request)).csrf, 403)
        code = await self._field(request, "lang")
        if code in self.c.runtime.content.catalogs.languages:
            request.session["lang"] = code
        return redirect(safe_next(await self._field(request, "back")))

    # --- accounts (administrators) --------------------------------------------------------

    async def add_account(self, request: Request, who: Identity) -> Response:
        name = await self._field(request, "name")
        role = await self._field(request, "role")
        spoken = await self._field(request, "languages")
        password = await self._field(request, "password")
        known = list(self.c.runtime.content.catalogs.languages)
        now = self.c.clock()
        try:
            languages = counsellors.parse_languages(spoken, known)
            await self.c.db(lambda s: counsellors.add(s, name, languages, role, password, now))
        except CounsellorError as error:
            self.c.flash(request, str(error), "error")
        else:
            self.c.flash(request, self.c.words(self.c.language(request)).format("added", name=name))
        return redirect(PREFIX + "/accounts")

    async def toggle_account(self, request: Request, who: Identity) -> Response:
        account = int(request.path_params["account"])
        active = await self._field(request, "active") == "1"
        if account == who.id and not active:  # the last administrator could lock everyone out
            return redirect(PREFIX + "/accounts")
        try:
            await self.c.db(lambda s: counsellors.set_active(s, account, active))
        except CounsellorError as error:
            self.c.flash(request, str(error), "error")
        return redirect(PREFIX + "/accounts")
