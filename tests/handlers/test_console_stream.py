"""The console's live stream on a real server: tickets and alerts pushed as server-sent events."""

from __future__ import annotations

import queue
import re
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from bot import counsellors
from bot.runtime import Runtime
from handlers.console import stream

from ..bot.conftest import KeywordParser
from ..bot.test_escalation import PASSWORD, fast_passwords  # noqa: F401 - an autouse fixture
from ..e2e.conftest import LiveServer


class Listener:
    """A signed-in console's event stream, read in a thread into a queue of (event, data)."""

    def __init__(self, url: str, name: str) -> None:
        self.client = httpx.Client(base_url=url, timeout=10)
        page = self.client.get("/console/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        page = self.client.post(
            "/console/login",
            data={"csrf": token, "name": name, "password": PASSWORD},
            follow_redirects=True,
        )
        assert page.url.path == "/console/"
        self.csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        self.events: queue.Queue[tuple[str, str]] = queue.Queue()
        self.connected = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)

    def _read(self) -> None:
        name = "message"
        try:
            with self.client.stream("GET", "/console/events", timeout=None) as response:
                for line in response.iter_lines():
                    if line.startswith(": connected"):
                        self.connected.set()
                    elif line.startswith("event: "):
                        name = line[7:]
                    elif line.startswith("data: "):
                        self.events.put((name, line[6:]))
                        name = "message"
        except Exception:  # the test closed the connection
            return

    def start(self) -> Listener:
        self.thread.start()
        assert self.connected.wait(5), "the console stream did not open"
        return self

    def next(self, timeout: float = 5) -> tuple[str, str]:
        return self.events.get(timeout=timeout)

    def close(self) -> None:
        self.client.close()


@pytest.fixture
def server(
    make_runtime: Callable[..., Runtime], monkeypatch: pytest.MonkeyPatch
) -> Iterator[LiveServer]:
    monkeypatch.setattr(stream, "KEEPALIVE_SECONDS", 0.2)
    runtime = make_runtime(parse=KeywordParser())
    for name in ("Amina", "Omar"):
        with runtime.db.session() as s:
            counsellors.add(s, name, ["fr", "en"], "counsellor", PASSWORD)
    with LiveServer(runtime) as live:
        yield live


def test_a_critical_ticket_is_pushed_and_alerts_only_the_counsellors_on_duty(
    server: LiveServer,
) -> None:
    on_duty, off_duty = Listener(server.url, "Amina"), Listener(server.url, "Omar")
    try:
        off_duty.client.post("/console/duty", data={"csrf": off_duty.csrf, "on": "0"})
        on_duty.start(), off_duty.start()
        time.sleep(1.0)  # several keep-alives go by: the stream must outlive them
        httpx.post(
            server.url + "/api/webchat/messages",
            json={"session": "person-in-danger-1", "text": "i want to kill myself"},
        )
        assert on_duty.next()[0] == "message"  # the new ticket: the queue refreshes
        name, data = on_duty.next()
        assert name == "alert" and '"priority": "critical"' in data and "kill" not in data
        assert [off_duty.next()[0], off_duty.next()[0]] == ["message", "message"]  # no sound
    finally:
        on_duty.close(), off_duty.close()


def test_the_stream_ends_when_the_account_is_deactivated(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream, "SEEN_EVERY_SECONDS", 0.1)
    listener = Listener(server.url, "Amina").start()
    try:
        with server.runtime.db.session() as s:
            counsellors.set_active(s, counsellors.by_name(s, "Amina").id, False)
        listener.thread.join(5)
        assert not listener.thread.is_alive()  # the server closed the stream
    finally:
        listener.close()


def test_a_counsellor_reply_reaches_a_web_chat_that_has_been_idle(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The web chat's stream outlives its keep-alives (it once ended after the first one, and
    a reply sent while the browser reconnected was lost)."""
    from handlers.webchat import adapter as webchat

    monkeypatch.setattr(webchat, "KEEPALIVE_SECONDS", 0.2)
    person = "idle-person-session"
    httpx.post(
        server.url + "/api/webchat/messages", json={"session": person, "text": "i want a human"}
    )
    counsellor = Listener(server.url, "Amina")
    received: queue.Queue[str] = queue.Queue()

    def read() -> None:
        try:
            with counsellor.client.stream("GET", f"/api/webchat/events?session={person}") as events:
                for line in events.iter_lines():
                    received.put(line)
        except Exception:  # the test closed the connection
            return

    threading.Thread(target=read, daemon=True).start()
    try:
        time.sleep(1.2)  # about six keep-alives
        counsellor.client.post("/console/tickets/1/claim", data={"csrf": counsellor.csrf})
        counsellor.client.post(
            "/console/tickets/1/reply", data={"csrf": counsellor.csrf, "text": "Amina here"}
        )
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            line = received.get(timeout=5)
            if "Amina here" in line:
                break
        else:
            pytest.fail("the counsellor's reply did not reach the web chat")
    finally:
        counsellor.close()
