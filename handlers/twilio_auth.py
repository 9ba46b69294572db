"""Twilio webhooks: the form of a request whose `X-Twilio-Signature` is right, or a 403.

The signature covers the public URL Twilio called, so it is checked against `SANAD_PUBLIC_URL`
plus the path — it stays valid behind a proxy or a load balancer that rewrites the host."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from twilio.request_validator import RequestValidator

from bot.settings import Settings


def public_url(settings: Settings, request: Request) -> str:
    query = request.url.query
    return settings.public_url + request.url.path + (f"?{query}" if query else "")


async def verified_form(request: Request, settings: Settings) -> dict[str, str] | Response:
    """The webhook's parameters, once its signature is checked; a 403 or 400 response otherwise."""
    if not settings.twilio_auth_token:
        return PlainTextResponse("Twilio is not configured", status_code=403)
    signature = request.headers.get("X-Twilio-Signature")
    if not signature:
        return PlainTextResponse("missing X-Twilio-Signature", status_code=403)
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return PlainTextResponse("expected a form-encoded body", status_code=400)
    try:
        form = await request.form()
    except Exception:  # a body that is not a form at all
        return PlainTextResponse("malformed form body", status_code=400)
    params = {key: str(value) for key, value in form.multi_items()}
    validator = RequestValidator(settings.twilio_auth_token)
    if not validator.validate(public_url(settings, request), params, signature):
        return PlainTextResponse("invalid signature", status_code=403)
    return params
