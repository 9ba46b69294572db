"""Serve a fake provider's ASGI app on 127.0.0.1 in a thread, for the real SDKs to call."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any, Self

import uvicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ThreadedServer:
    """`with ThreadedServer(app) as server:` — the app answers at `server.url` until the block
    ends. A fake provider runs without lifespan; Sanad's own app (`lifespan="on"`) with it."""

    def __init__(self, app: Any, port: int | None = None, lifespan: str = "off") -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            access_log=False,
            lifespan=lifespan,
            timeout_graceful_shutdown=2,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> ThreadedServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the fake server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


class FakeServer:
    """A fake provider: subclasses set `self.app`; `with Fake() as fake:` serves it and
    `fake.url` is where the real SDK is pointed."""

    app: Any

    def __init__(self) -> None:
        self._server: ThreadedServer | None = None

    def __enter__(self) -> Self:
        self._server = ThreadedServer(self.app).__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.__exit__(*exc)

    @property
    def url(self) -> str:
        assert self._server is not None, "use the fake as a context manager"
        return self._server.url
