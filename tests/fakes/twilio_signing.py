"""Sign test webhooks exactly as Twilio does, with the real SDK's own algorithm."""

from __future__ import annotations

from twilio.request_validator import RequestValidator


def signed_headers(url: str, params: dict[str, str], auth_token: str) -> dict[str, str]:
    signature = RequestValidator(auth_token).compute_signature(url, params)
    return {"X-Twilio-Signature": signature, "Content-Type": "application/x-www-form-urlencoded"}
