"""Escalation latency: from a critical message in to its ticket on the counsellors' console stream.

    .venv/bin/python bench/escalation.py [--messages 200] [--database URL] [--redis URL]
                                         [--content DIR] [--stand-in-nlu]

Serves the whole app (uvicorn, in this process) on a free port, signs a counsellor in to the
console and keeps its event stream (server-sent events) open, then writes critical messages to
the web chat API, one at a time and each from a new person. Each is timed from the moment the
request leaves to the moment the console's stream delivers the new ticket's event, and its alert.
Defaults: a fresh SQLite file, the in-process store, the real NLU and the content in ./content.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import secrets
import socket
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

import httpx
import uvicorn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import counsellors  # noqa: E402
from bot.app import create_app  # noqa: E402
from bot.runtime import Runtime  # noqa: E402
from bot.settings import Settings  # noqa: E402
from nlu.types import Parse  # noqa: E402

CRITICAL = "I want to kill myself tonight"
PASSWORD = secrets.token_urlsafe(16)


def stand_in(text: str) -> Parse:
    """Every message critical, in English: measures everything but the model."""
    return Parse(
        text, "en", 1.0, "psychosocial", 1.0, risk="critical", language_sure=True, understood=True
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


async def measure(url: str, messages: int, warmup: int) -> tuple[list[float], list[float]]:
    async with (
        httpx.AsyncClient(base_url=url, timeout=30) as console,
        httpx.AsyncClient(base_url=url, timeout=30) as people,
    ):
        page = await console.get("/console/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        signed_in = await console.post(
            "/console/login",
            follow_redirects=True,
            data={"csrf": token, "name": "bench", "password": PASSWORD},
        )
        if signed_in.url.path != "/console/":
            raise SystemExit("could not sign in to the console")
        events: asyncio.Queue[tuple[float, dict[str, object]]] = asyncio.Queue()
        connected = asyncio.Event()

        async def listen() -> None:
            async with console.stream("GET", "/console/events", timeout=None) as stream:
                async for line in stream.aiter_lines():
                    if line.startswith(": connected"):
                        connected.set()
                    elif line.startswith("data: "):
                        events.put_nowait((time.perf_counter(), json.loads(line[6:])))

        listener = asyncio.create_task(listen())
        await asyncio.wait_for(connected.wait(), 10)
        to_ticket: list[float] = []
        to_alert: list[float] = []
        for n in range(warmup + messages):
            start = time.perf_counter()
            sent = asyncio.create_task(
                people.post(
                    "/api/webchat/messages",
                    json={"session": f"bench-person-{n:06d}", "text": CRITICAL},
                )
            )
            ticket_at = alert_at = None
            while ticket_at is None or alert_at is None:
                at, event = await asyncio.wait_for(events.get(), 30)
                if event.get("kind") == "ticket" and event.get("priority") == "critical":
                    ticket_at = at
                elif event.get("kind") == "alert":
                    alert_at = at
            if (await sent).json()["state"] != "queued":
                raise SystemExit("the message was not escalated: is the NLU flagging it critical?")
            if n >= warmup:
                to_ticket.append((ticket_at - start) * 1000)
                to_alert.append((alert_at - start) * 1000)
        listener.cancel()
        return to_ticket, to_alert


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--database", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--redis", help="Redis URL (default: the in-process store)")
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument(
        "--stand-in-nlu", action="store_true", help="skip the model: every message is critical"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sanad-bench-") as tmp:
        settings = replace(
            Settings.load(),
            database_url=args.database or f"sqlite:///{tmp}/bench.db",
            redis_url=args.redis,
            content_dir=args.content,
            opening_hours="always",
            secret_key=secrets.token_urlsafe(32),
            data_key=secrets.token_urlsafe(32),
        )
        runtime = Runtime.create(
            settings,
            parse=stand_in if args.stand_in_nlu else None,
            migrate=True,
            key_file=Path(tmp) / "key",
        )
        with runtime.db.session() as s:
            counsellors.add(s, "bench", ["fr", "ar", "en"], "counsellor", PASSWORD)
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(
                create_app(runtime),
                host="127.0.0.1",
                port=port,
                log_level="warning",
                access_log=False,
            )
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.02)
        try:
            to_ticket, to_alert = asyncio.run(
                measure(f"http://127.0.0.1:{port}", args.messages, args.warmup)
            )
        finally:
            server.should_exit = True
            thread.join(10)

    store = "Redis" if args.redis else "in-process store"
    database = runtime.db.engine.dialect.name
    nlu = "stand-in NLU" if args.stand_in_nlu else "real NLU"
    print(
        f"Escalation latency, critical message in -> console stream "
        f"(n={len(to_ticket)}, {database}, {store}, {nlu}):"
    )
    for label, values in (("ticket event", to_ticket), ("alert event", to_alert)):
        print(
            f"  {label:13} p50 {statistics.median(values):7.1f} ms   "
            f"p99 {percentile(values, 0.99):7.1f} ms   max {max(values):7.1f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
