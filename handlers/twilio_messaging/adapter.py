"""WhatsApp and SMS through Twilio: signed webhooks in, the REST API out (from the outbox).

The webhook only checks, stores and queues: it answers an empty TwiML `<Response/>` at once, and
the replies leave through `client.messages.create` from the outbox loop — retried while Twilio is
down, with a status callback that records whether each message was delivered.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import anyio
import requests
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from twilio.base.exceptions import TwilioException
from twilio.rest import Client
from twilio.twiml.messaging_response import MessagingResponse

from bot.domain import Capabilities
from bot.engine import TurnResult
from bot.errors import ConfigError
from bot.outbox import Delivery, RetryLater, Undeliverable
from bot.runtime import Runtime
from handlers.outgoing import Progress, farewell
from handlers.twilio_auth import verified_form
from handlers.twilio_messaging import compose
from handlers.twilio_messaging.client import make_client, outbox_error
from handlers.twilio_messaging.inbound import WHATSAPP_PREFIX, Malformed, inbound_of

log = logging.getLogger(__name__)

PATH = "/webhooks/twilio/messaging"
STATUS_PATH = PATH + "/status"
SMS_CAPABILITIES = Capabilities(buttons=False, max_length=1600, variant="short")
WHATSAPP_CAPABILITIES = Capabilities(buttons=False, max_length=1600, variant="text")
DEFAULT_SMS_SEGMENTS = 4


class TwilioMessagingAdapter:
    name = "twilio_messaging"
    channels = ("whatsapp", "sms")

    def __init__(self, runtime: Runtime, client: Client | None = None) -> None:
        settings = runtime.settings
        self.runtime = runtime
        self.client = client or make_client(settings)
        self.sms_from = settings.twilio_messaging_from
        whatsapp_from = settings.twilio_whatsapp_from
        if whatsapp_from and not whatsapp_from.startswith((WHATSAPP_PREFIX, "MG")):
            whatsapp_from = WHATSAPP_PREFIX + whatsapp_from
        self.whatsapp_from = whatsapp_from
        self.status_url = settings.public_url + STATUS_PATH
        self.max_segments = _max_segments(settings.setting("SANAD_SMS_MAX_SEGMENTS"))
        self.progress = Progress(runtime.store, "twilio")

    def capabilities(self, channel: str) -> Capabilities:
        return SMS_CAPABILITIES if channel == "sms" else WHATSAPP_CAPABILITIES

    def routes(self) -> Sequence[BaseRoute]:
        return [
            Route(PATH, self.webhook, methods=["POST"]),
            Route(STATUS_PATH, self.status, methods=["POST"]),
        ]

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    # --- in -----------------------------------------------------------------------------------

    async def webhook(self, request: Request) -> Response:
        """A message from WhatsApp or SMS: stored and answered through the outbox."""
        form = await verified_form(request, self.runtime.settings)
        if isinstance(form, Response):
            return form
        try:
            inbound = inbound_of(form)
        except Malformed as exc:
            return PlainTextResponse(str(exc), status_code=400)
        result = await self.runtime.engine.handle(inbound, deliver=True)
        if result.erased and result.replies:
            await self._farewell(inbound.channel, inbound.sender, result)
        return Response(str(MessagingResponse()), media_type="text/xml")

    async def _farewell(self, channel: str, address: str, result: TurnResult) -> None:
        """Confirm an erasure directly: the outbox no longer knows where to write."""
        renderer = self.runtime.engine.renderer
        caps = self.capabilities(channel)
        messages = tuple(renderer.render(r, result.language, caps) for r in result.replies)
        try:
            await self.send(
                farewell(channel, address, result.language, messages, self.runtime.outbox.clock())
            )
        except (RetryLater, Undeliverable) as exc:
            log.info("twilio: the erasure confirmation was not delivered (%s)", exc)

    async def status(self, request: Request) -> Response:
        """Twilio's delivery report for a message we sent (queued → sent → delivered / failed)."""
        form = await verified_form(request, self.runtime.settings)
        if isinstance(form, Response):
            return form
        sid = form.get("MessageSid") or form.get("SmsSid")
        status = form.get("MessageStatus") or form.get("SmsStatus")
        if not sid or not status:
            return PlainTextResponse("expected MessageSid and MessageStatus", status_code=400)
        if status in ("failed", "undelivered"):
            log.warning(
                "twilio: message %s %s (error %s)", sid, status, form.get("ErrorCode") or "?"
            )
        await anyio.to_thread.run_sync(self.runtime.outbox.record_status, sid, status)
        return Response(status_code=204)

    # --- out ----------------------------------------------------------------------------------

    async def send(self, delivery: Delivery) -> Sequence[str]:
        """Send one outbox row as one or more Twilio messages; after an interruption, only the
        parts that had not left yet."""
        if delivery.channel == "sms":
            parts = compose.sms(delivery, self.max_segments)
        else:
            try:
                parts = compose.whatsapp(
                    delivery, self.runtime.outbox.clock(), self.runtime.settings.extra
                )
            except Undeliverable as exc:
                log.warning("twilio: outbox %s: %s", delivery.id, exc)
                raise
        ids = await self.progress.sent(delivery.id)
        for part in parts[len(ids) :]:
            ids.append(
                await anyio.to_thread.run_sync(
                    self._create, delivery.channel, delivery.address, part
                )
            )
            if len(parts) > 1:
                await self.progress.record(delivery.id, ids)
        if len(parts) > 1:
            await self.progress.done(delivery.id)
        return ids

    def _create(self, channel: str, address: str, part: compose.Part) -> str:
        """One `messages.create` (blocking: runs in a worker thread)."""
        sender = self.whatsapp_from if channel == "whatsapp" else self.sms_from
        if not sender:
            setting = "TWILIO_WHATSAPP_FROM" if channel == "whatsapp" else "TWILIO_MESSAGING_FROM"
            raise RetryLater(f"{setting} is not set: set it to your Twilio sender, then restart")
        to = WHATSAPP_PREFIX + address if channel == "whatsapp" else address
        kwargs: dict[str, str] = {"to": to, "status_callback": self.status_url}
        if sender.startswith("MG"):  # a Messaging Service picks the number itself
            kwargs["messaging_service_sid"] = sender
        else:
            kwargs["from_"] = sender
        if part.content_sid is not None:
            kwargs["content_sid"] = part.content_sid
            kwargs["content_variables"] = part.content_variables or "{}"
        else:
            kwargs["body"] = part.body or ""
        try:
            message = self.client.messages.create(**kwargs)  # type: ignore[arg-type]
        except (TwilioException, requests.RequestException) as exc:
            raise outbox_error(exc) from exc
        return str(message.sid)


def _max_segments(raw: str | None) -> int:
    if not raw:
        return DEFAULT_SMS_SEGMENTS
    if not raw.isdigit() or not 1 <= int(raw) <= 10:
        raise ConfigError(f"SANAD_SMS_MAX_SEGMENTS={raw!r}: write a whole number from 1 to 10")
    return int(raw)


def create(runtime: Runtime) -> TwilioMessagingAdapter | None:
    """The adapter, when the Twilio credentials and a sender (SMS or WhatsApp) are set."""
    settings = runtime.settings
    if not settings.twilio_account_sid or not settings.twilio_auth_token:
        return None
    if not settings.twilio_messaging_from and not settings.twilio_whatsapp_from:
        return None  # the account may serve only the phone line
    return TwilioMessagingAdapter(runtime)
