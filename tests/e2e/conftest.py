"""Real servers on 127.0.0.1 and Debian's Chromium driven by Playwright (never a downloaded one)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.app import create_app
from bot.runtime import Runtime

from ..conftest import CI
from ..fakes.live import ThreadedServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


class LiveServer(ThreadedServer):
    """Sanad itself (with its lifespan: adapters, outbox, check-ins) on 127.0.0.1."""

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(create_app(runtime), lifespan="on")
        self.runtime = runtime


@pytest.fixture
def live_server() -> Iterator[Callable[[Runtime], LiveServer]]:
    servers: list[LiveServer] = []

    def start(runtime: Runtime) -> LiveServer:
        server = LiveServer(runtime).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM):
        message = f"{CHROMIUM} is missing: `make test` installs Debian's chromium when run as root"
        if CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="ar-MA")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
