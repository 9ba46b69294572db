"""The `sanad` command."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import sys
import tempfile
from dataclasses import replace
from importlib.metadata import entry_points
from pathlib import Path
from typing import TextIO

from bot.errors import ConfigError, ContentError, SanadError
from bot.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 2
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args) or 0)
    except ContentError as exc:
        print("Content problems (fix them, then run `sanad content check`):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    except (ConfigError, SanadError) as exc:
        print(f"sanad: {exc}", file=sys.stderr)
        return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sanad", description="Sanad helpline assistant")
    sub = parser.add_subparsers(metavar="COMMAND")

    run = sub.add_parser("run", help="serve webhooks, the web chat and the console")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.set_defaults(func=cmd_run)

    worker = sub.add_parser("worker", help="run only the background loops (outbox, check-ins)")
    worker.set_defaults(func=cmd_worker)

    chat = sub.add_parser(
        "chat", help="chat in the terminal (--jsonl: scripted, one JSON line each)"
    )
    chat.add_argument(
        "--jsonl", action="store_true", help="read inputs from stdin, print JSON lines"
    )
    chat.add_argument("--database", help="database URL (default: a fresh temporary database)")
    chat.add_argument("--channel", default="webchat", help="channel to simulate (default webchat)")
    chat.set_defaults(func=cmd_chat)

    db = sub.add_parser("db", help="database").add_subparsers(metavar="ACTION")
    upgrade = db.add_parser("upgrade", help="apply every migration")
    upgrade.set_defaults(func=cmd_db_upgrade)

    content = sub.add_parser("content", help="content").add_subparsers(metavar="ACTION")
    check = content.add_parser("check", help="check flows, answers, catalogs and the directory")
    check.add_argument("--content-dir", type=Path, help="default: SANAD_CONTENT_DIR or ./content")
    check.set_defaults(func=cmd_content_check)

    keygen = sub.add_parser(
        "keygen", help="print a new random secret for SANAD_SECRET_KEY / SANAD_DATA_KEY"
    )
    keygen.set_defaults(func=cmd_keygen)

    from nlu import cli as nlu_cli

    nlu_parser = sub.add_parser("nlu", help="train, evaluate and try the language understanding")
    nlu_cli.register(nlu_parser.add_subparsers(metavar="ACTION"))

    # Sub-commands of other packages (`sanad telegram poll`, `sanad counsellor add`, …): each
    # entry point of the group is a `register(subparsers)` function.
    for entry in sorted(entry_points(group="sanad.commands"), key=lambda e: e.name):
        entry.load()(sub)
    return parser


def cmd_run(args: argparse.Namespace) -> int:
    import uvicorn

    from bot.app import create_app
    from bot.runtime import Runtime

    settings = Settings.load()
    runtime = Runtime.create(settings, migrate=True)
    app = create_app(runtime)
    url = f"http://{args.host}:{args.port}"
    print(f"Sanad is running. Web chat: {url}/   Counsellors' console: {url}/console", flush=True)
    print("Stop it with Ctrl+C.", flush=True)
    # No access log: it would record people's IP addresses.
    uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level="info")
    return 0


def cmd_worker(_: argparse.Namespace) -> int:
    """The outbox and the check-in scheduler without the web server (scale-out: N web workers
    and one or more of these; the database makes every send happen once)."""
    from bot.app import create_app
    from bot.runtime import Runtime

    runtime = Runtime.create(Settings.load(), migrate=True)
    create_app(runtime)  # finds the channel adapters the outbox sends through

    async def work() -> None:
        adapters = list({id(a): a for a in runtime.adapters.values()}.values())
        for adapter in adapters:
            await adapter.start()
        tasks = [asyncio.create_task(loop(), name=name) for name, loop in runtime.workers().items()]
        print(
            f"Sanad worker running: {', '.join(t.get_name() for t in tasks)}. Stop it with Ctrl+C.",
            flush=True,
        )
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            for adapter in reversed(adapters):
                await adapter.stop()
            await runtime.aclose()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(work())
    return 0


def cmd_db_upgrade(_: argparse.Namespace) -> int:
    from bot.storage import Database

    settings = Settings.load()
    db = Database(settings.database_url)
    db.upgrade()
    print(f"Database is up to date ({db.engine.url.render_as_string(hide_password=True)}).")
    return 0


def cmd_content_check(args: argparse.Namespace) -> int:
    from bot.content import check_content

    content_dir = args.content_dir or Settings.load().content_dir
    problems = check_content(content_dir)
    if problems:
        for problem in problems:
            print(problem)
        print(f"\n{len(problems)} problem(s) in {content_dir}.", file=sys.stderr)
        return 1
    print(f"Content is valid: {content_dir}")
    return 0


def cmd_keygen(_: argparse.Namespace) -> int:
    import secrets

    print(secrets.token_urlsafe(32))
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.runtime import Runtime

    settings = Settings.load()
    with tempfile.TemporaryDirectory(prefix="sanad-chat-") as tmp:
        if args.database:
            settings = replace(settings, database_url=args.database)
        else:
            settings = replace(settings, database_url=f"sqlite:///{tmp}/chat.db")
        runtime = Runtime.create(settings, migrate=True)
        if args.jsonl:
            asyncio.run(_chat_jsonl(runtime, sys.stdin, sys.stdout, args.channel))
        else:
            asyncio.run(_chat_interactive(runtime, args.channel))
        runtime.db.dispose()
    return 0


async def _chat_jsonl(runtime, stdin: TextIO, stdout: TextIO, channel: str) -> None:  # type: ignore[no-untyped-def]
    from bot.domain import Capabilities, Inbound

    renderer = runtime.engine.renderer
    caps = Capabilities()
    for line in stdin:
        line = line.rstrip("\r\n")
        try:
            contact, inbound_channel, text, option = _chat_input(line, channel)
        except ValueError as exc:
            stdout.write(json.dumps({"error": str(exc)}, ensure_ascii=False) + "\n")
            stdout.flush()
            continue
        result = await runtime.engine.handle(
            Inbound(channel=inbound_channel, sender=contact, text=text, option=option)
        )
        out = {
            "contact": contact,
            "language": result.language,
            "intent": result.parse.intent if result.parse else None,
            "risk": result.parse.risk if result.parse else "none",
            "state": result.state,
            "replies": [
                renderer.render(r, result.language, caps).to_dict() for r in result.replies
            ],
            "ticket": result.ticket.to_dict() if result.ticket else None,
        }
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        stdout.flush()
    await runtime.store.close()


def _chat_input(line: str, channel: str) -> tuple[str, str, str, str | None]:
    """(contact, channel, text, option) of one input line; ValueError says what is wrong."""
    if not line.lstrip().startswith("{"):
        return "cli", channel, line, None
    try:
        data = json.loads(line)
    except ValueError as exc:
        raise ValueError(f"not valid JSON: {exc.args[0]}") from exc
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    contact = data.get("contact", "cli")
    text, option = data.get("text"), data.get("option")
    chosen_channel = data.get("channel", channel)
    if not isinstance(contact, str) or not contact:
        raise ValueError("`contact` must be a non-empty string")
    if not isinstance(chosen_channel, str) or not chosen_channel:
        raise ValueError("`channel` must be a non-empty string")
    if text is None and option is None:
        raise ValueError("give `text` or `option`")
    if text is not None and not isinstance(text, str):
        raise ValueError("`text` must be a string")
    if option is not None and not isinstance(option, str):
        raise ValueError("`option` must be a string")
    return contact, chosen_channel, text or "", option


async def _chat_interactive(runtime, channel: str) -> None:  # type: ignore[no-untyped-def]
    from bot.domain import Capabilities, Inbound

    renderer = runtime.engine.renderer
    caps = Capabilities(buttons=False)
    print("Sanad — type a message (Ctrl+D to quit). Type the number of an option to choose it.")
    loop = asyncio.get_running_loop()
    while True:
        try:
            line = await loop.run_in_executor(None, input, "> ")
        except (EOFError, KeyboardInterrupt):
            print()
            break
        result = await runtime.engine.handle(Inbound(channel=channel, sender="terminal", text=line))
        for reply in result.replies:
            rendered = renderer.render(reply, result.language, caps)
            print(rendered.text)
            for number, (_, label) in enumerate(rendered.options, 1):
                print(f"  {number}. {label}")
        if result.ticket:
            print(f"  [ticket #{result.ticket.id}, {result.ticket.priority}, state {result.state}]")
    await runtime.store.close()


if __name__ == "__main__":
    raise SystemExit(main())
