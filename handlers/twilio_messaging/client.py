"""The Twilio REST client, and what its errors mean for the outbox."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import requests
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from bot.outbox import RetryLater, Undeliverable
from bot.settings import Settings

log = logging.getLogger(__name__)

TIMEOUT = 15.0  # seconds; the outbox retries what times out
# The SDK logs every request's headers at INFO: quiet, we log what matters ourselves.
_http_log = logging.getLogger("sanad.twilio.http")
_http_log.setLevel(logging.WARNING)

# Numbers that will never receive this message: invalid, not mobile, unsubscribed (STOP), not on
# WhatsApp, or in a country the account may not send to (the operator must allow it first).
UNREACHABLE = {21211, 21214, 21217, 21408, 21610, 21612, 21614, 63003, 63024}
BAD_CREDENTIALS = {20003, 20005, 20403}


class ApiUrlHttpClient(TwilioHttpClient):
    """Sends the SDK's requests to `api_url` instead of https://*.twilio.com.

    A custom HTTP client is how Twilio's documentation lets you reach another host (a proxy, or the
    fake REST server of the tests) with the unmodified SDK."""

    def __init__(self, api_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.api_url = api_url.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        parts = urlsplit(url)
        if parts.hostname == "twilio.com" or (parts.hostname or "").endswith(".twilio.com"):
            url = self.api_url + parts.path + (f"?{parts.query}" if parts.query else "")
        return super().request(method, url, *args, **kwargs)


def make_client(settings: Settings) -> Client:
    http: TwilioHttpClient
    if settings.twilio_api_url:
        http = ApiUrlHttpClient(settings.twilio_api_url, timeout=TIMEOUT, logger=_http_log)
    else:
        http = TwilioHttpClient(timeout=TIMEOUT, logger=_http_log)
    return Client(settings.twilio_account_sid, settings.twilio_auth_token, http_client=http)


def outbox_error(exc: Exception) -> RetryLater | Undeliverable:
    """What a failed `messages.create` means: try again later, or never.

    Twilio's error messages quote the phone number, so only the status and code are kept."""
    if isinstance(exc, requests.RequestException):
        return RetryLater(f"Twilio unreachable ({type(exc).__name__})")
    status = int(getattr(exc, "status", 0) or 0)
    code = getattr(exc, "code", None)
    if status == 429 or status >= 500 or status == 0:
        return RetryLater(f"Twilio busy or down (HTTP {status or '?'}, code {code})")
    if status in (401, 403) or code in BAD_CREDENTIALS:
        log.error(
            "twilio: credentials refused (code %s): check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN",
            code,
        )
        return RetryLater(f"Twilio refused our credentials (code {code})")
    if code in UNREACHABLE:
        return Undeliverable(f"Twilio {code}: this number cannot receive our messages")
    return Undeliverable(f"Twilio refused the message (HTTP {status}, code {code})")
