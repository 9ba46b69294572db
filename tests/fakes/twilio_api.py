"""A fake Twilio REST API on 127.0.0.1, for the real `twilio` SDK (through its custom HTTP client).

It answers `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` as Twilio does — HTTP basic auth
with the account SID and auth token, the documented parameters only, a 201 with a Message resource
— and Twilio's errors for what Twilio refuses (an invalid number: 21211, a body over 1,600
characters: 21617, a missing body: 21602, a bad WhatsApp pair: 21910). Tests script outages and
refusals with `fail(...)`, read what was sent from `messages`, and build the signed webhooks Twilio
would send (an incoming message, a status callback) with `inbound_form` / `status_form`.

Any other path answers Twilio's 404 (code 20404) and is recorded, so the phone line's tests can
reuse the server and see what was asked of it (`requests`), or add a route with `route(...)`.

    with FakeTwilio() as twilio:
        settings = replace(settings, twilio_api_url=twilio.url, **twilio.settings())
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.live import FakeServer
from tests.fakes.twilio_signing import signed_headers

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "fake-twilio-auth-token-0123456789"
API_VERSION = "2010-04-01"

# The parameters of "Create a Message" in Twilio's API reference (and the SDK's `create`).
MESSAGE_PARAMS = {
    "To",
    "From",
    "MessagingServiceSid",
    "Body",
    "MediaUrl",
    "ContentSid",
    "ContentVariables",
    "StatusCallback",
    "ApplicationSid",
    "MaxPrice",
    "ProvideFeedback",
    "Attempt",
    "ValidityPeriod",
    "ForceDelivery",
    "ContentRetention",
    "AddressRetention",
    "SmartEncoded",
    "PersistentAction",
    "TrafficType",
    "ShortenUrls",
    "ScheduleType",
    "SendAt",
    "SendAsMms",
    "RiskCheck",
    "Tags",
}
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    params: dict[str, list[str]]
    status: int


@dataclass
class Failure:
    status: int
    code: int
    message: str
    times: int = 1
    after: int = 0


@dataclass
class _State:
    requests: list[Recorded] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


Handler = Callable[[Request, dict[str, list[str]]], Awaitable[Response]]


class FakeTwilio(FakeServer):
    def __init__(self, account_sid: str = ACCOUNT_SID, auth_token: str = AUTH_TOKEN) -> None:
        super().__init__()
        self.account_sid, self.auth_token = account_sid, auth_token
        self._state = _State()
        self._lock = threading.Lock()
        self._sids = itertools.count(1)
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self.app = Starlette(
            routes=[Route("/{path:path}", self._endpoint, methods=["GET", "POST", "DELETE"])]
        )

    def settings(self) -> dict[str, str]:
        """Settings fields (`dataclasses.replace(settings, **twilio.settings())`)."""
        return {
            "twilio_account_sid": self.account_sid,
            "twilio_auth_token": self.auth_token,
            "twilio_api_url": self.url,
        }

    # --- what tests read ----------------------------------------------------------------------

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Every message Twilio accepted (201), as its parameters ("To", "Body", …)."""
        with self._lock:
            return list(self._state.messages)

    @property
    def requests(self) -> list[Recorded]:
        with self._lock:
            return list(self._state.requests)

    @property
    def problems(self) -> list[str]:
        """Requests Twilio would have refused for their form (unknown parameters, …)."""
        with self._lock:
            return list(self._state.problems)

    def to(self, address: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["To"] == address]

    # --- what tests script --------------------------------------------------------------------

    def fail(
        self,
        status: int,
        code: int | None = None,
        message: str = "",
        *,
        times: int = 1,
        after: int = 0,
    ) -> None:
        """After `after` accepted messages, refuse the next `times` ones (503: an outage; 400 with
        code 21211: an invalid number; 400 with 21610: the person sent STOP…)."""
        with self._lock:
            self._state.failures.append(
                Failure(status, code if code is not None else status, message, times, after)
            )

    def route(self, method: str, path: str, handler: Handler) -> None:
        """Answer `method path` (a regular expression) with `handler(request, params)`."""
        self._routes.append((method.upper(), re.compile(path), handler))

    # --- webhooks as Twilio sends them --------------------------------------------------------

    def inbound_form(
        self,
        sender: str,
        body: str,
        *,
        to: str = "+212522000000",
        sid: str | None = None,
        **extra: str,
    ) -> dict[str, str]:
        """The form of an incoming SMS or WhatsApp message (`sender` "whatsapp:+…" for WhatsApp)."""
        sid = sid or self._sid("SM")
        if sender.startswith("whatsapp:") and not to.startswith("whatsapp:"):
            to = "whatsapp:" + to
        form = {
            "ToCountry": "MA",
            "ToState": "",
            "SmsMessageSid": sid,
            "NumMedia": "0",
            "ToCity": "",
            "FromZip": "",
            "SmsSid": sid,
            "FromState": "",
            "SmsStatus": "received",
            "FromCity": "",
            "Body": body,
            "FromCountry": "MA",
            "To": to,
            "ToZip": "",
            "NumSegments": "1",
            "MessageSid": sid,
            "AccountSid": self.account_sid,
            "From": sender,
            "ApiVersion": API_VERSION,
        }
        if sender.startswith("whatsapp:"):
            form.update(
                {
                    "ProfileName": "Test",
                    "WaId": sender.split("+", 1)[-1],
                    "MessageType": "text",
                    "SmsStatus": "received",
                }
            )
        form.update(extra)
        return form

    def status_form(self, sid: str, status: str, error_code: str | None = None) -> dict[str, str]:
        form = {
            "MessageSid": sid,
            "SmsSid": sid,
            "MessageStatus": status,
            "SmsStatus": status,
            "AccountSid": self.account_sid,
            "ApiVersion": API_VERSION,
        }
        if error_code:
            form["ErrorCode"] = error_code
        return form

    def report_status(self, message: dict[str, Any], status: str) -> int:
        """POST a signed status callback to the message's StatusCallback, as Twilio does."""
        url = message["StatusCallback"]
        form = self.status_form(message["sid"], status)
        response = httpx.post(url, data=form, headers=signed_headers(url, form, self.auth_token))
        return response.status_code

    # --- the server ---------------------------------------------------------------------------

    def _sid(self, prefix: str) -> str:
        return f"{prefix}{next(self._sids):032x}"

    async def _endpoint(self, request: Request) -> Response:
        path = "/" + request.path_params["path"]
        params = await _params(request)
        response = await self._answer(request, path, params)
        with self._lock:
            self._state.requests.append(
                Recorded(request.method, path, params, response.status_code)
            )
        return response

    async def _answer(self, request: Request, path: str, params: dict[str, list[str]]) -> Response:
        if not self._authorised(request):
            return _error(401, 20003, "Authenticate")
        for method, pattern, handler in self._routes:
            if method == request.method and pattern.fullmatch(path):
                return await handler(request, params)
        messages = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages.json"
        if request.method == "POST" and path == messages:
            return self._create_message(params)
        return _error(404, 20404, f"The requested resource {path} was not found")

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return False
        return user == self.account_sid and password == self.auth_token

    def _create_message(self, params: dict[str, list[str]]) -> Response:
        unknown = sorted(set(params) - MESSAGE_PARAMS)
        single = {k: v[-1] for k, v in params.items()}
        problems = [f"unknown parameter {name}" for name in unknown]
        refusal = self._refusal(single)
        with self._lock:
            self._state.problems.extend(problems)
            if problems:
                return _error(400, 21609, "Invalid parameters: " + ", ".join(unknown))
            if refusal is not None:
                return _error(400, *refusal)
            failure = self._take_failure()
            if failure is not None:
                return _error(
                    failure.status, failure.code, failure.message or "Service Unavailable"
                )
            sid = self._sid("SM")
            message = {**single, "sid": sid}
            self._state.messages.append(message)
        now = formatdate(time.time(), usegmt=True)
        return JSONResponse(
            status_code=201,
            content={
                "sid": sid,
                "account_sid": self.account_sid,
                "api_version": API_VERSION,
                "to": single["To"],
                "from": single.get("From"),
                "body": single.get("Body", ""),
                "messaging_service_sid": single.get("MessagingServiceSid"),
                "status": "queued",
                "direction": "outbound-api",
                "num_segments": "1",
                "num_media": "0",
                "date_created": now,
                "date_updated": now,
                "date_sent": None,
                "price": None,
                "price_unit": "USD",
                "error_code": None,
                "error_message": None,
                "uri": f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{sid}.json",
                "subresource_uris": {
                    "media": f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{sid}/Media.json"
                },
            },
        )

    def _refusal(self, p: dict[str, str]) -> tuple[int, str] | None:
        """What Twilio itself refuses, with its error code."""
        to, sender = p.get("To", ""), p.get("From", "")
        if not to:
            return 21604, "A 'To' phone number is required."
        if not sender and not p.get("MessagingServiceSid"):
            return 21603, "A 'From' phone number is required."
        if not _E164.match(to.removeprefix("whatsapp:")):
            return 21211, f"The 'To' number {to} is not a valid phone number."
        if sender and to.startswith("whatsapp:") != sender.startswith("whatsapp:"):
            return 21910, "Invalid From and To pair. From and To should be of the same channel"
        if not p.get("Body") and not p.get("ContentSid") and not p.get("MediaUrl"):
            return 21602, "Message body is required."
        if len(p.get("Body", "")) > 1600:
            return 21617, "The concatenated message body exceeds the 1600 character limit."
        if "ContentVariables" in p:
            try:
                variables = json.loads(p["ContentVariables"])
            except ValueError:
                return 21656, "The ContentVariables Parameter is invalid."
            if not isinstance(variables, dict) or "ContentSid" not in p:
                return 21656, "The ContentVariables Parameter is invalid."
        if "ContentSid" in p and not re.fullmatch(r"HX[0-9a-fA-F]{32}", p["ContentSid"]):
            return 21655, "The ContentSid is Invalid."
        return None

    def _take_failure(self) -> Failure | None:
        if not self._state.failures:
            return None
        failure = self._state.failures[0]
        if failure.after > 0:
            failure.after -= 1
            return None
        failure.times -= 1
        if failure.times <= 0:
            self._state.failures.pop(0)
        return failure


async def _params(request: Request) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        form = await request.form()
        for key, value in form.multi_items():
            params.setdefault(key, []).append(str(value))
    return params


def _error(status: int, code: int, message: str) -> JSONResponse:
    return JSONResponse(
        status_code=status,
        content={
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        },
    )
