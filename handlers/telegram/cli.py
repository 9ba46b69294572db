"""`sanad telegram poll` and `sanad telegram webhook`: the two ways updates reach Sanad."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from telegram.error import InvalidToken, TelegramError

from bot.errors import ConfigError
from bot.settings import Settings


def register(subparsers: Any) -> None:
    telegram = subparsers.add_parser(
        "telegram", help="Telegram: polling, or registering the webhook"
    )
    actions = telegram.add_subparsers(metavar="ACTION")

    poll = actions.add_parser(
        "poll",
        help="serve Sanad like `sanad run`, fetching Telegram updates by polling "
        "(for a deployment without a public HTTPS address)",
    )
    poll.add_argument("--host", default="127.0.0.1")
    poll.add_argument("--port", type=int, default=8000)
    poll.set_defaults(func=cmd_poll)

    webhook = actions.add_parser(
        "webhook", help="tell Telegram to call SANAD_PUBLIC_URL/webhooks/telegram with the secret"
    )
    webhook.add_argument("--delete", action="store_true", help="remove the webhook instead")
    webhook.set_defaults(func=cmd_webhook)


def cmd_poll(args: argparse.Namespace) -> int:
    import uvicorn

    from bot.app import create_app
    from bot.runtime import Runtime
    from handlers.telegram.adapter import TelegramAdapter

    settings = Settings.load()
    if not settings.telegram_bot_token:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and set its token."
        )
    runtime = Runtime.create(settings, migrate=True)
    app = create_app(runtime)
    adapter = runtime.adapters.get("telegram")
    if not isinstance(adapter, TelegramAdapter):
        raise ConfigError("the Telegram channel is not installed: run `pip install -e .` again")
    adapter.polling = True
    url = f"http://{args.host}:{args.port}"
    print(
        f"Sanad is running and polling Telegram. Web chat: {url}/   Console: {url}/console",
        flush=True,
    )
    print("Stop it with Ctrl+C.", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level="info")
    return 0


def cmd_webhook(args: argparse.Namespace) -> int:
    settings = Settings.load()
    print(asyncio.run(configure_webhook(settings, delete=args.delete)))
    return 0


async def configure_webhook(settings: Settings, *, delete: bool = False) -> str:
    """Set (or delete) the webhook; return what Telegram now reports, for the operator."""
    from handlers.telegram.adapter import ALLOWED_UPDATES, PATH, check_secret, make_bot

    bot = make_bot(settings)
    url = settings.public_url + PATH
    if not delete:
        check_secret(settings.telegram_webhook_secret)
        if not settings.telegram_webhook_secret:
            raise ConfigError(
                "TELEGRAM_WEBHOOK_SECRET is not set: generate one with `sanad keygen`, "
                "set it, then run this again."
            )
        if not url.startswith("https://") and not settings.telegram_api_url:
            raise ConfigError(
                f"Telegram only calls HTTPS addresses and SANAD_PUBLIC_URL gives {url}. "
                "Set SANAD_PUBLIC_URL=https://…, or use `sanad telegram poll`."
            )
    try:
        async with bot:  # checks the token (getMe)
            if delete:
                await bot.delete_webhook(drop_pending_updates=False)
            else:
                await bot.set_webhook(
                    url,
                    secret_token=settings.telegram_webhook_secret,
                    allowed_updates=list(ALLOWED_UPDATES),
                    drop_pending_updates=False,
                )
            info = await bot.get_webhook_info()
            name = bot.username
    except InvalidToken as exc:
        raise ConfigError(
            "Telegram rejected TELEGRAM_BOT_TOKEN: copy it again from @BotFather."
        ) from exc
    except TelegramError as exc:
        raise ConfigError(f"Telegram refused or could not be reached: {exc.message}") from exc
    if delete:
        return f"Webhook of @{name} removed. Run `sanad telegram poll` to fetch updates instead."
    lines = [f"Webhook of @{name}: {info.url}", f"Updates waiting: {info.pending_update_count}"]
    if info.last_error_message:
        lines.append(f"Last delivery error reported by Telegram: {info.last_error_message}")
    return "\n".join(lines)
