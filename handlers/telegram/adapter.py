"""Telegram: the webhook (or polling) in, the Bot API out — both through python-telegram-bot.

Updates reach `process()` the same way whether Telegram pushed them to `/webhooks/telegram` or
`sanad telegram poll` fetched them. Replies are not sent from the webhook: the engine queues them
in the outbox, whose loop calls `send()`, so a flood limit or an outage only delays them.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import os
import warnings
from collections.abc import Sequence
from datetime import timedelta

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from telegram import Bot, Update
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from bot.app import json_body
from bot.domain import Capabilities
from bot.engine import TurnResult
from bot.errors import ConfigError
from bot.outbox import Delivery, RetryLater, Undeliverable
from bot.runtime import Runtime
from bot.settings import Settings
from handlers.outgoing import Progress, farewell
from handlers.telegram.commands import bot_commands
from handlers.telegram.keyboards import CallbackCodec, messages_for
from handlers.telegram.updates import CHANNEL, incoming

log = logging.getLogger(__name__)

# Durations as timedelta (python-telegram-bot 23's behaviour, opted into now): otherwise PTB 22
# raises a deprecation warning from inside its own RetryAfter on every flood limit.
os.environ.setdefault("PTB_TIMEDELTA", "true")

PATH = "/webhooks/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_API_URL = "https://api.telegram.org"
ALLOWED_UPDATES = ("message", "callback_query")
CAPABILITIES = Capabilities(buttons=True, max_length=4096, variant="text")
POLL_TIMEOUT = 25  # seconds a getUpdates call waits for news
_SECRET_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def make_bot(settings: Settings) -> Bot:
    """A python-telegram-bot `Bot` for the token, on Telegram's servers or `TELEGRAM_API_URL`."""
    if not settings.telegram_bot_token:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and set its token."
        )
    api = (settings.telegram_api_url or DEFAULT_API_URL).rstrip("/")
    return Bot(
        settings.telegram_bot_token,
        base_url=f"{api}/bot",
        base_file_url=f"{api}/file/bot",
        request=HTTPXRequest(connection_pool_size=16, read_timeout=15.0),
        get_updates_request=HTTPXRequest(read_timeout=POLL_TIMEOUT + 10.0),
    )


def check_secret(secret: str | None) -> None:
    if secret is not None and (len(secret) > 256 or not set(secret) <= _SECRET_CHARS):
        raise ConfigError(
            "TELEGRAM_WEBHOOK_SECRET may only hold 1 to 256 letters, digits, _ and -: "
            "generate one with `sanad keygen`."
        )


class TelegramAdapter:
    name = "telegram"
    channels = (CHANNEL,)

    def __init__(self, runtime: Runtime, bot: Bot | None = None) -> None:
        settings = runtime.settings
        check_secret(settings.telegram_webhook_secret)
        self.runtime = runtime
        self.secret = settings.telegram_webhook_secret
        self.bot = bot or make_bot(settings)
        self.codec = CallbackCodec.for_flows(
            runtime.content.flows, runtime.content.catalogs.languages
        )
        self.progress = Progress(runtime.store, "telegram")
        self.polling = False  # `sanad telegram poll` sets it before the app starts
        self._tasks: list[asyncio.Task[None]] = []

    def capabilities(self, channel: str) -> Capabilities:
        return CAPABILITIES

    def routes(self) -> Sequence[BaseRoute]:
        return [Route(PATH, self.webhook, methods=["POST"])]

    async def start(self) -> None:
        if not self.polling and not self.secret and self.runtime.settings.production:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is set but TELEGRAM_WEBHOOK_SECRET is not: generate one with "
                "`sanad keygen` and run `sanad telegram webhook`, or use `sanad telegram poll`."
            )
        # In the background: an unreachable Telegram must not keep the rest of Sanad from starting.
        self._tasks.append(asyncio.create_task(self.connect(), name="telegram-connect"))
        if self.polling:
            self._tasks.append(asyncio.create_task(self.poll(), name="telegram-poll"))
        elif not self.secret:
            log.warning(
                "telegram: TELEGRAM_WEBHOOK_SECRET is not set, so %s refuses every update; "
                "set it (`sanad keygen`) or use `sanad telegram poll`",
                PATH,
            )

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        with contextlib.suppress(Exception):
            await self.bot.shutdown()  # closes the HTTP connections

    async def connect(self) -> None:
        """Check the token (getMe) and publish the command menu."""
        try:
            await self.bot.initialize()
        except TelegramError as exc:
            log.error(
                "telegram: could not reach the Bot API or the token was refused (%s); "
                "messages wait in the outbox meanwhile",
                type(exc).__name__,
            )
            return
        log.info("telegram: connected as @%s", self.bot.username)
        await self.publish_commands()

    # --- in -----------------------------------------------------------------------------------

    async def webhook(self, request: Request) -> Response:
        """Telegram's POST; anything without our secret is refused before it is read."""
        if not self.secret:
            return PlainTextResponse("TELEGRAM_WEBHOOK_SECRET is not set", status_code=403)
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            return PlainTextResponse(f"missing or wrong {SECRET_HEADER}", status_code=403)
        payload = await json_body(request)
        if isinstance(payload, Response):
            return payload
        update = parse_update(payload, self.bot)
        if update is None:
            return PlainTextResponse("not a Telegram update", status_code=400)
        await self.process(update)
        return Response(status_code=200)

    async def process(self, update: Update) -> None:
        """One update, from the webhook or from polling: answer a button, hand a message over."""
        try:
            item = incoming(update, self.codec)
        except (AttributeError, KeyError, TypeError, ValueError):
            log.warning("telegram: update %s is malformed; ignored", update.update_id)
            return
        if item is None:
            return
        if item.callback_query_id is not None:
            await self._answer_button(item.callback_query_id)
        if item.inbound is not None:
            result = await self.runtime.engine.handle(item.inbound, deliver=True)
            if result.erased and result.replies:
                await self._farewell(item.inbound.sender, result)

    async def _farewell(self, chat_id: str, result: TurnResult) -> None:
        """Confirm an erasure directly: the outbox no longer knows where to write."""
        renderer = self.runtime.engine.renderer
        messages = tuple(renderer.render(r, result.language, CAPABILITIES) for r in result.replies)
        delivery = farewell(
            CHANNEL, chat_id, result.language, messages, self.runtime.outbox.clock()
        )
        try:
            await self.send(delivery)
        except (RetryLater, Undeliverable) as exc:
            log.info("telegram: the erasure confirmation was not delivered (%s)", exc)

    async def _answer_button(self, query_id: str) -> None:
        """Stop the button's spinner. Best effort: the reply itself comes through the outbox."""
        try:
            await self.bot.answer_callback_query(query_id)
        except TelegramError as exc:
            log.info("telegram: a button press could not be acknowledged (%s)", type(exc).__name__)

    async def poll(self) -> None:
        """Fetch updates with getUpdates, for deployments Telegram cannot reach (no webhook)."""
        with contextlib.suppress(TelegramError):
            await self.bot.initialize()
        await self._without_webhook()
        offset: int | None = None
        failures = 0
        log.info("telegram: polling for updates")
        while True:
            try:
                updates = await self.bot.get_updates(
                    offset=offset, timeout=POLL_TIMEOUT, allowed_updates=list(ALLOWED_UPDATES)
                )
            except Exception as exc:
                failures += 1
                await asyncio.sleep(_poll_pause(exc, failures))
                continue
            failures = 0
            for update in updates:
                await self._process_polled(update)
                offset = update.update_id + 1

    async def _process_polled(self, update: Update) -> None:
        """Like Telegram retrying a webhook that failed: a few tries, then the update is skipped."""
        for attempt in range(1, 4):
            try:
                await self.process(update)
                return
            except Exception:
                log.exception("telegram: update %s failed (attempt %s)", update.update_id, attempt)
                await asyncio.sleep(min(2.0**attempt, 30.0))
        log.error("telegram: update %s skipped after 3 failures", update.update_id)

    async def _without_webhook(self) -> None:
        """getUpdates is refused while a webhook is set: remove it (keeping pending updates)."""
        for attempt in range(1, 1000):
            try:
                await self.bot.delete_webhook(drop_pending_updates=False)
                return
            except Exception as exc:
                await asyncio.sleep(_poll_pause(exc, attempt))

    async def publish_commands(self) -> None:
        """`setMyCommands` in each language, and in the default language for everyone else."""
        renderer = self.runtime.engine.renderer
        languages = [code for code in self.runtime.content.catalogs.languages if len(code) == 2]
        try:
            for code in languages:
                await self.bot.set_my_commands(bot_commands(renderer, code), language_code=code)
            await self.bot.set_my_commands(
                bot_commands(renderer, self.runtime.engine.default_language)
            )
        except TelegramError as exc:
            log.warning(
                "telegram: the command menu was not published (%s: %s); it will be at the "
                "next start",
                type(exc).__name__,
                exc,
            )

    # --- out ----------------------------------------------------------------------------------

    async def send(self, delivery: Delivery) -> Sequence[str]:
        """Send one outbox row; resume after the parts that already left if it was interrupted."""
        try:
            chat_id = int(delivery.address)
        except ValueError as exc:
            raise Undeliverable("not a Telegram chat id") from exc
        messages = [m for rendered in delivery.messages for m in messages_for(rendered, self.codec)]
        ids = await self.progress.sent(delivery.id)
        for message in messages[len(ids) :]:
            result = await self._send_one(chat_id, message.text, message.keyboard)
            ids.append(str(result))
            if len(messages) > 1:
                await self.progress.record(delivery.id, ids)
        if len(messages) > 1:
            await self.progress.done(delivery.id)
        return ids

    async def _send_one(self, chat_id: int, text: str, keyboard: object) -> int:
        try:
            message = await self.bot.send_message(chat_id, text, reply_markup=keyboard)  # type: ignore[arg-type]
        except RetryAfter as exc:
            raise RetryLater("Telegram flood limit (429)", after=retry_after_seconds(exc)) from exc
        except Forbidden as exc:
            raise Undeliverable(
                f"Telegram: the person blocked the bot or left ({exc.message})"
            ) from exc
        except ChatMigrated as exc:
            raise Undeliverable("Telegram: a group chat, which Sanad does not serve") from exc
        except InvalidToken as exc:
            log.error("telegram: TELEGRAM_BOT_TOKEN was rejected; check it with @BotFather")
            raise RetryLater("Telegram rejected the bot token") from exc
        except BadRequest as exc:
            raise Undeliverable(f"Telegram refused the message: {exc.message}") from exc
        except Conflict as exc:
            raise RetryLater(f"Telegram: {exc.message}") from exc
        except NetworkError as exc:  # timeouts, connection refused, 5xx
            raise RetryLater(f"Telegram unreachable ({type(exc).__name__})") from exc
        return message.message_id


def parse_update(payload: dict[str, object], bot: Bot) -> Update | None:
    """The payload as an `Update`, or None when it is not one (a 400 for the sender)."""
    update_id = payload.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        return None
    try:
        return Update.de_json(payload, bot)
    except (AttributeError, KeyError, TypeError, ValueError):
        return None


def retry_after_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # the attribute's type changes in PTB 23; both are handled
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _poll_pause(exc: BaseException, failures: int) -> float:
    if isinstance(exc, RetryAfter):
        return retry_after_seconds(exc)
    if isinstance(exc, InvalidToken):
        log.error("telegram: TELEGRAM_BOT_TOKEN was rejected; check it with @BotFather")
        return 60.0
    if isinstance(exc, Conflict):
        log.error(
            "telegram: another process is polling with this token (or a webhook is set); "
            "run one poller, or the webhook, not both"
        )
        return 30.0
    log.warning("telegram: polling failed (%s); retrying", type(exc).__name__)
    return min(2.0 ** min(failures, 6), 60.0)


def create(runtime: Runtime) -> TelegramAdapter | None:
    """The adapter, when TELEGRAM_BOT_TOKEN is set."""
    if not runtime.settings.telegram_bot_token:
        return None
    # httpx logs each request's URL at INFO, and the URL holds the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return TelegramAdapter(runtime)
