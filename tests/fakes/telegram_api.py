"""A fake Telegram Bot API server on 127.0.0.1, for python-telegram-bot pointed at it (`base_url`).

It records every call and checks it against the published description of the Bot API
(`tests/specs/telegram/api.json`): the method exists, required parameters are present, no unknown
parameter is sent, each value has a plausible type (objects checked field by field), and the
documented limits hold (4,096 characters a text, 64 bytes of callback_data, command names).
A call that breaks the spec is answered 400, as Telegram would, and listed in `problems`.

Tests script what the server answers (`fail(...)`: a 429 with retry_after, a 403 "bot was blocked",
a 5xx) and what it holds for `getUpdates` (`push(update)`); builders make updates that are
themselves checked against the spec's `Update` type.

    with FakeTelegram() as telegram:
        bot = Bot(telegram.token, base_url=telegram.api_url + "/bot")
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.live import FakeServer

SPEC = Path(__file__).resolve().parent.parent / "specs" / "telegram" / "api.json"
TOKEN = "123456789:AAFakeTokenForTests_abcdefghijklmnop"
BOT_USER = {"id": 123456789, "is_bot": True, "first_name": "Sanad", "username": "SanadTestBot"}
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]  # decoded: JSON-encoded values parsed
    status: int  # what the fake answered: 200, or the scripted or spec error


@dataclass
class Failure:
    status: int
    description: str
    retry_after: int | None = None
    times: int = 1
    after: int = 0  # calls that succeed first


@dataclass
class _State:
    calls: list[Call] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    webhook: dict[str, Any] = field(default_factory=dict)


class Spec:
    """The Bot API description, and checks of values against it."""

    def __init__(self, path: Path = SPEC) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        self.methods: dict[str, Any] = data["methods"]
        self.types: dict[str, Any] = data["types"]

    def check_call(self, method: str, params: dict[str, str], form: bool) -> list[str]:
        spec = self.methods.get(method)
        if spec is None:
            return [f"{method}: no such Bot API method"]
        fields = {f["name"]: f for f in spec.get("fields", [])}
        problems = [
            f"{method}: unknown parameter {name!r}" for name in params if name not in fields
        ]
        problems += [
            f"{method}: missing required parameter {name!r}"
            for name, f in fields.items()
            if f["required"] and name not in params
        ]
        for name, value in params.items():
            if name in fields:
                problems += self.check_value(fields[name]["types"], value, f"{method}.{name}", form)
        return problems

    def decode(self, method: str, params: dict[str, str]) -> dict[str, Any]:
        """Form values as the types they stand for (what a test reads back)."""
        fields = {f["name"]: f["types"] for f in self.methods.get(method, {}).get("fields", [])}
        decoded: dict[str, Any] = {}
        for name, raw in params.items():
            types = fields.get(name, ["String"])
            try:
                if "String" in types or "InputFile" in types:
                    decoded[name] = raw
                elif types == ["Integer"]:
                    decoded[name] = int(raw)
                elif types == ["Boolean"]:
                    decoded[name] = raw == "true"
                elif types == ["Float"]:
                    decoded[name] = float(raw)
                else:
                    decoded[name] = json.loads(raw)
            except (TypeError, ValueError):
                decoded[name] = raw  # already reported by check_call
        return decoded

    def check_value(self, types: list[str], value: Any, where: str, form: bool) -> list[str]:
        """Problems of `value` for any of `types` ([] when one type accepts it)."""
        best: list[str] | None = None
        for kind in types:
            problems = self._check_one(kind, value, where, form)
            if not problems:
                return []
            if best is None or len(problems) < len(best):
                best = problems
        return best or [f"{where}: no type given"]

    def _check_one(self, kind: str, value: Any, where: str, form: bool) -> list[str]:
        if kind == "InputFile":
            return []
        if form:  # form fields: strings, objects and arrays JSON-encoded
            if kind == "String":
                return [] if isinstance(value, str) else [f"{where}: expected a string"]
            if kind == "Integer":
                return (
                    [] if re.fullmatch(r"-?\d+", str(value)) else [f"{where}: expected an integer"]
                )
            if kind == "Float":
                return (
                    []
                    if re.fullmatch(r"-?\d+(\.\d+)?", str(value))
                    else [f"{where}: expected a number"]
                )
            if kind == "Boolean":
                return [] if value in ("true", "false") else [f"{where}: expected true or false"]
            try:
                value = json.loads(value)
            except (TypeError, ValueError):
                return [f"{where}: expected JSON for {kind}"]
        if kind == "String":
            return [] if isinstance(value, str) else [f"{where}: expected a string"]
        if kind == "Integer":
            return (
                []
                if isinstance(value, int) and not isinstance(value, bool)
                else [f"{where}: expected an integer"]
            )
        if kind == "Float":
            return (
                []
                if isinstance(value, int | float) and not isinstance(value, bool)
                else [f"{where}: expected a number"]
            )
        if kind == "Boolean":
            return [] if isinstance(value, bool) else [f"{where}: expected a boolean"]
        if kind.startswith("Array of "):
            if not isinstance(value, list):
                return [f"{where}: expected an array"]
            inner = kind[len("Array of ") :]
            return [
                p
                for i, item in enumerate(value)
                for p in self.check_value([inner], item, f"{where}[{i}]", False)
            ]
        return self.check_object(kind, value, where)

    def check_object(self, name: str, value: Any, where: str) -> list[str]:
        spec = self.types.get(name)
        if spec is None:
            return [f"{where}: unknown type {name}"]
        if spec.get("subtypes"):
            return self.check_value(spec["subtypes"], value, where, False)
        if not isinstance(value, dict):
            return [f"{where}: expected a {name} object"]
        fields = {f["name"]: f for f in spec.get("fields", [])}
        problems = [
            f"{where}: unknown field {key!r} of {name}" for key in value if key not in fields
        ]
        problems += [
            f"{where}: {name} lacks {key!r}"
            for key, f in fields.items()
            if f["required"] and key not in value
        ]
        for key, item in value.items():
            if key in fields:
                problems += self.check_value(fields[key]["types"], item, f"{where}.{key}", False)
        return problems + _limits(name, value, where)


def _limits(name: str, value: dict[str, Any], where: str) -> list[str]:
    """Documented limits the types alone do not say."""
    problems = []
    if name == "InlineKeyboardButton" and "callback_data" in value:
        size = len(str(value["callback_data"]).encode())
        if not 1 <= size <= 64:
            problems.append(f"{where}.callback_data: {size} bytes (1-64 allowed)")
    if name == "BotCommand":
        if not _COMMAND.match(str(value.get("command", ""))):
            problems.append(f"{where}.command: 1-32 lowercase letters, digits, _")
        if not 1 <= len(str(value.get("description", ""))) <= 256:
            problems.append(f"{where}.description: 1-256 characters")
    return problems


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class FakeTelegram(FakeServer):
    """The server. Use as a context manager; `api_url` is what TELEGRAM_API_URL takes."""

    def __init__(self, token: str = TOKEN, spec: Spec | None = None) -> None:
        super().__init__()
        self.token = token
        self.spec = spec or Spec()
        self._state = _State()
        self._lock = threading.Lock()
        self._message_ids = itertools.count(1000)
        self._update_ids = itertools.count(500_000)
        self._callback_ids = itertools.count(9_000_000)
        self.app = Starlette(
            routes=[Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"])]
        )

    @property
    def api_url(self) -> str:
        return self.url

    # --- what tests read ----------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._state.calls)

    @property
    def problems(self) -> list[str]:
        with self._lock:
            return list(self._state.problems)

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.method == method]

    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Parameters of every sendMessage that succeeded (to one chat), in order."""
        return [
            c.params
            for c in self.calls
            if c.method == "sendMessage"
            and c.status == 200
            and (chat_id is None or int(c.params["chat_id"]) == chat_id)
        ]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(found := self.calls_to(method)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"expected {count} {method} call(s), got {len(found)}: {self.calls}"
                )
            time.sleep(0.02)
        return found

    # --- what tests script --------------------------------------------------------------------

    def fail(
        self,
        method: str,
        status: int,
        description: str,
        *,
        retry_after: int | None = None,
        times: int = 1,
        after: int = 0,
    ) -> None:
        """After `after` good calls, the next `times` calls of `method` fail like Telegram's (429,
        403, 500…)."""
        with self._lock:
            self._state.failures.setdefault(method, []).append(
                Failure(status, description, retry_after, times, after)
            )

    def push(self, update: dict[str, Any]) -> None:
        """An update for getUpdates (polling)."""
        with self._lock:
            self._state.updates.append(update)

    # --- update builders (checked against the spec's Update type) -----------------------------

    def _update(self, **content: Any) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), **content}
        problems = self.spec.check_object("Update", update, "Update")
        if problems:
            raise AssertionError(f"the test built an invalid update: {problems}")
        return update

    def _message(self, chat_id: int, **content: Any) -> dict[str, Any]:
        person = {"id": chat_id, "is_bot": False, "first_name": "Test", "language_code": "fr"}
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Test"},
            "from": person,
            **content,
        }

    def text_update(self, chat_id: int, text: str) -> dict[str, Any]:
        message = self._message(chat_id, text=text)
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self._update(message=message)

    def callback_update(self, chat_id: int, data: str) -> dict[str, Any]:
        query = {
            "id": str(next(self._callback_ids)),
            "from": {"id": chat_id, "is_bot": False, "first_name": "Test"},
            "message": self._message(chat_id, text="…", **{"from": BOT_USER}),
            "chat_instance": "-42",
            "data": data,
        }
        return self._update(callback_query=query)

    def voice_update(self, chat_id: int, file_id: str = "AwACAgQAAxkBAAIBVoice") -> dict[str, Any]:
        voice = {
            "file_id": file_id,
            "file_unique_id": "AgADVoice",
            "duration": 4,
            "mime_type": "audio/ogg",
        }
        return self._update(message=self._message(chat_id, voice=voice))

    def photo_update(self, chat_id: int, caption: str | None = None) -> dict[str, Any]:
        sizes = [
            {"file_id": f"AgACPhoto{w}", "file_unique_id": f"AQADPhoto{w}", "width": w, "height": w}
            for w in (90, 320, 1280)
        ]
        extra = {"caption": caption} if caption else {}
        return self._update(message=self._message(chat_id, photo=sizes, **extra))

    def group_update(self, chat_id: int, text: str) -> dict[str, Any]:
        message = self._message(chat_id, text=text)
        message["chat"] = {"id": -100123, "type": "group", "title": "Some group"}
        return self._update(message=message)

    def edited_update(self, chat_id: int, text: str) -> dict[str, Any]:
        message = self._message(chat_id, text=text, edit_date=int(time.time()))
        return self._update(edited_message=message)

    # --- the server ---------------------------------------------------------------------------

    async def _endpoint(self, request: Request) -> JSONResponse:
        method = request.path_params["method"]
        if request.path_params["token"] != self.token:
            return _error(401, "Unauthorized")
        params, form = await _params(request)
        problems = self.spec.check_call(method, {k: v for k, v in params.items()}, form)
        decoded = self.spec.decode(method, params) if form else params
        problems += self._limits(method, decoded)
        with self._lock:
            failure = None if problems else self._take_failure(method)
        if method not in self.spec.methods:
            response = _error(404, "Not Found")
        elif problems:
            response = _error(400, "Bad Request: " + "; ".join(problems))
        elif failure is not None:
            extra = (
                {"parameters": {"retry_after": failure.retry_after}} if failure.retry_after else {}
            )
            response = _error(failure.status, failure.description, **extra)
        elif method == "getUpdates":
            response = _ok(await self._get_updates(decoded))
        else:
            response = _ok(self._result(method, decoded))
        with self._lock:
            self._state.calls.append(Call(method, decoded, response.status_code))
            self._state.problems.extend(problems)
        return response

    def _take_failure(self, method: str) -> Failure | None:
        queue = self._state.failures.get(method)
        if not queue:
            return None
        failure = queue[0]
        if failure.after > 0:
            failure.after -= 1
            return None
        failure.times -= 1
        if failure.times <= 0:
            queue.pop(0)
        return failure

    def _limits(self, method: str, params: dict[str, Any]) -> list[str]:
        problems = []
        if method == "sendMessage" and not 1 <= utf16_length(str(params.get("text", ""))) <= 4096:
            problems.append("sendMessage.text: 1-4096 characters")
        if (
            method == "setWebhook"
            and "secret_token" in params
            and not _SECRET.match(str(params["secret_token"]))
        ):
            problems.append("setWebhook.secret_token: 1-256 of A-Z a-z 0-9 _ -")
        if method == "answerCallbackQuery" and len(str(params.get("text", ""))) > 200:
            problems.append("answerCallbackQuery.text: at most 200 characters")
        return problems

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset", 0) or 0)
        wait = min(float(params.get("timeout", 0) or 0), 1.0)  # short: tests stop the server
        deadline = time.monotonic() + wait
        while True:
            with self._lock:
                if offset:  # confirmed updates are forgotten, as Telegram does
                    self._state.updates = [
                        u for u in self._state.updates if u["update_id"] >= offset
                    ]
                pending = list(self._state.updates)
            if pending or time.monotonic() >= deadline:
                return pending[: int(params.get("limit", 100) or 100)]
            await asyncio.sleep(0.02)

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "sendMessage":
            message: dict[str, Any] = {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "from": BOT_USER,
                "text": params["text"],
            }
            if (
                isinstance(params.get("reply_markup"), dict)
                and "inline_keyboard" in params["reply_markup"]
            ):
                message["reply_markup"] = params["reply_markup"]
            return message
        if method == "setWebhook":
            with self._lock:
                self._state.webhook = {
                    "url": params["url"],
                    "allowed_updates": params.get("allowed_updates"),
                }
            return True
        if method == "deleteWebhook":
            with self._lock:
                self._state.webhook = {}
            return True
        if method == "getWebhookInfo":
            with self._lock:
                return {
                    "url": self._state.webhook.get("url", ""),
                    "has_custom_certificate": False,
                    "pending_update_count": len(self._state.updates),
                }
        return True  # answerCallbackQuery, setMyCommands, …


async def _params(request: Request) -> tuple[dict[str, Any], bool]:
    """The call's parameters and whether they came as a form (strings, JSON inside)."""
    params: dict[str, Any] = dict(request.query_params)
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        body = await request.body()
        if body:
            params.update(json.loads(body))
        return params, False
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    return params, True


def _ok(result: Any) -> JSONResponse:
    return JSONResponse({"ok": True, "result": result})


def _error(status: int, description: str, **extra: Any) -> JSONResponse:
    return JSONResponse(
        {"ok": False, "error_code": status, "description": description, **extra}, status_code=status
    )
