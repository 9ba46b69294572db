"""Shared fixtures: a blocking portal (one event loop for sync tests), runtimes on temporary
databases, and the real PostgreSQL and Redis of the CI machine.

With `CI` set, a test that needs PostgreSQL or Redis fails when the service is down instead of
skipping: CI must run them."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal

from bot.runtime import Runtime
from bot.settings import Settings
from bot.testing import TestBot

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_CONTENT = Path(__file__).resolve().parent / "fixtures" / "content"
CI = bool(os.environ.get("CI"))
POSTGRES_URL = os.environ.get("SANAD_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("SANAD_TEST_REDIS", "redis://127.0.0.1:6379/15")
TEST_KEY = "test-data-key-not-for-production"


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    if _reachable(host, port):
        return
    message = f"{name} is not reachable on {host}:{port}"
    if CI:
        pytest.fail(f"{message}; CI must run these tests (start it, see README)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def portal() -> Iterator[BlockingPortal]:
    with start_blocking_portal() as p:
        yield p


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path}/sanad.db",
        secret_key="test-secret-key",
        data_key=TEST_KEY,
        content_dir=FIXTURE_CONTENT,
        opening_hours="always",
    )


@pytest.fixture
def make_runtime(
    settings: Settings, portal: BlockingPortal, tmp_path: Path
) -> Iterator[Callable[..., Runtime]]:
    made: list[Runtime] = []

    def make(**changes: Any) -> Runtime:
        parse = changes.pop("parse", None)
        clock = changes.pop("clock", None)
        store = changes.pop("store", None)
        extra = {"clock": clock} if clock else {}
        runtime = Runtime.create(
            replace(settings, **changes),
            parse=parse,
            store=store,
            migrate=True,
            key_file=tmp_path / "key",
            **extra,
        )
        made.append(runtime)
        return runtime

    yield make
    for runtime in made:
        portal.call(runtime.aclose)


@pytest.fixture
def postgres_url() -> str:
    """A clean PostgreSQL database (schema `public` dropped and recreated)."""
    require_service("PostgreSQL", "127.0.0.1", 5432)
    from sqlalchemy import create_engine, text

    from bot.storage.db import normalise_url

    engine = create_engine(normalise_url(POSTGRES_URL))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return POSTGRES_URL


@pytest.fixture
def redis_url(portal: BlockingPortal) -> str:
    require_service("Redis", "127.0.0.1", 6379)
    from redis import Redis

    client = Redis.from_url(REDIS_URL)
    client.flushdb()
    client.close()
    return REDIS_URL


def bot_for(
    runtime: Runtime, portal: BlockingPortal, sender: str = "tester", **kwargs: Any
) -> TestBot:
    return TestBot(runtime, portal, sender=sender, **kwargs)
