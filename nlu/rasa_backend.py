"""Optional intent backend: a Rasa server's `POST /model/parse` (NLU_BACKEND=rasa, RASA_URL).

Only the intent and its confidence come from Rasa; our language id, cities and risk still run,
so safety never depends on a second process. Any Rasa failure (down, slow, odd answer) falls
back to our own classifier for that message, logged without the message text.
"""

from __future__ import annotations

import logging
import os
import threading
import time

import httpx

from nlu.model import IntentBackend
from nlu.types import INTENTS

log = logging.getLogger(__name__)

DEFAULT_URL = "http://127.0.0.1:5005"
TIMEOUT_S = 2.0
# After a failure, skip Rasa for this long so a dead server does not add a timeout per message.
RETRY_AFTER_S = 10.0


class RasaBackend(IntentBackend):
    """Thread-safe client for one Rasa server."""

    def __init__(
        self, url: str | None = None, timeout: float = TIMEOUT_S, client: httpx.Client | None = None
    ) -> None:
        self.url = (url or os.environ.get("RASA_URL") or DEFAULT_URL).rstrip("/")
        self.client = client or httpx.Client(timeout=timeout)
        self._down_until = 0.0
        self._lock = threading.Lock()

    def close(self) -> None:
        self.client.close()

    def intent(self, text: str) -> tuple[str, float] | None:
        if time.monotonic() < self._down_until:
            return None
        try:
            resp = self.client.post(f"{self.url}/model/parse", json={"text": text})
            resp.raise_for_status()
            body = resp.json()
            name = str(body["intent"]["name"])
            confidence = float(body["intent"]["confidence"])
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            with self._lock:
                self._down_until = time.monotonic() + RETRY_AFTER_S
            log.warning(
                "rasa backend failed (%s); using the built-in intent classifier", type(exc).__name__
            )
            return None
        if name not in INTENTS:
            log.warning("rasa backend answered an unknown intent; using the built-in classifier")
            return None
        return name, max(0.0, min(1.0, confidence))


def backend_from_env() -> RasaBackend | None:
    """The backend NLU_BACKEND asks for (`rasa`), or None for our own classifier."""
    choice = os.environ.get("NLU_BACKEND", "").strip().lower()
    if choice in ("", "builtin", "sanad"):
        return None
    if choice != "rasa":
        raise ValueError(f"NLU_BACKEND={choice!r} is not supported; use 'rasa' or leave it unset")
    return RasaBackend()
