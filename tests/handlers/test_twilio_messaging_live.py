"""End to end over real sockets: Sanad served by uvicorn with its outbox loop running, the fake
Twilio REST API down then back, and Twilio's status callback coming back over HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select

from bot.app import create_app
from bot.runtime import Runtime
from bot.storage import Outbound
from bot.testing import Clock
from tests.fakes.live import ThreadedServer, free_port
from tests.fakes.twilio_api import FakeTwilio
from tests.fakes.twilio_signing import signed_headers

from ..bot.conftest import KeywordParser

PERSON = "+212600000009"


def eventually(check: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_replies_wait_through_an_outage_leave_in_order_and_their_delivery_is_recorded(
    make_runtime: Callable[..., Runtime],
) -> None:
    clock = Clock(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    with FakeTwilio() as twilio:
        runtime = make_runtime(
            parse=KeywordParser(),
            clock=clock,
            public_url=public,
            twilio_messaging_from="+212522000000",
            **twilio.settings(),
        )
        twilio.fail(503, 20500, "Service Unavailable", times=2)
        with ThreadedServer(create_app(runtime), port=port, lifespan="on"):
            url = public + "/webhooks/twilio/messaging"
            for text in ("bonjour", "j'ai besoin d'un avocat"):
                form = twilio.inbound_form(PERSON, text)
                response = httpx.post(
                    url, data=form, headers=signed_headers(url, form, twilio.auth_token)
                )
                assert response.status_code == 200 and "<Response />" in response.text
            eventually(
                lambda: [r.status for r in twilio.requests].count(503) >= 1, "a first attempt"
            )
            for _ in range(3):  # time passes; the outbox loop retries on its own
                clock.now += timedelta(hours=1)
                time.sleep(1.2)
            eventually(lambda: len(twilio.to(PERSON)) == 2, "both replies")
            first, second = twilio.to(PERSON)
            assert first["Body"].startswith("Bienvenue") and second["Body"].startswith(
                "L'aide judiciaire"
            )
            assert twilio.report_status(second, "delivered") == 204
            with runtime.db.session() as s:
                rows = list(s.scalars(select(Outbound).order_by(Outbound.id)))
                assert [(r.status, r.delivery_status) for r in rows] == [
                    ("sent", None),
                    ("sent", "delivered"),
                ]
    assert twilio.problems == []
