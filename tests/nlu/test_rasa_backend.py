from __future__ import annotations

import logging
import os

import httpx
import pytest

from nlu.model import Model
from nlu.rasa_backend import RasaBackend, backend_from_env


def backend(handler: httpx.MockTransport) -> RasaBackend:
    return RasaBackend("http://rasa.test", client=httpx.Client(transport=handler))


def test_intent_comes_from_rasa(model: Model) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/model/parse"
        return httpx.Response(200, json={"intent": {"name": "asylum", "confidence": 0.77}})

    model.intent_backend = backend(httpx.MockTransport(handler))
    try:
        parse = model.parse("bghit avocat f wjda")
    finally:
        model.intent_backend = None
    assert (parse.intent, parse.confidence) == ("asylum", 0.77)
    # our own language id and cities still run
    assert parse.language == "ar"
    assert parse.city() is not None


def test_falls_back_without_logging_the_text(
    model: Model, caplog: pytest.LogCaptureFixture
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    model.intent_backend = backend(httpx.MockTransport(handler))
    secret = "j'ai besoin d'un avocat pour mon dossier secret"
    try:
        with caplog.at_level(logging.WARNING):
            parse = model.parse(secret)
    finally:
        model.intent_backend = None
    assert parse.intent == "legal_aid"
    assert "rasa backend failed" in caplog.text
    assert "secret" not in caplog.text


def test_backend_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NLU_BACKEND", raising=False)
    assert backend_from_env() is None
    monkeypatch.setenv("NLU_BACKEND", "rasa")
    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:5999/")
    b = backend_from_env()
    assert b is not None and b.url == "http://127.0.0.1:5999"
    monkeypatch.setenv("NLU_BACKEND", "watson")
    with pytest.raises(ValueError, match="not supported"):
        backend_from_env()


@pytest.mark.rasa
def test_live_rasa_server(model: Model) -> None:
    """Opt-in (`pytest -m rasa`): needs the server started by `make rasa`."""
    url = os.environ.get("RASA_URL", "http://127.0.0.1:5005")
    try:
        httpx.get(f"{url}/status", timeout=2).raise_for_status()
    except httpx.HTTPError:
        pytest.skip(f"no Rasa server at {url} (run `make rasa`)")
    backend = RasaBackend(url)
    model.intent_backend = backend
    try:
        parse = model.parse("i need a lawyer for my court case")
        arabic = model.parse("بغيت محامي فالرباط")
    finally:
        model.intent_backend = None
        backend.close()
    assert parse.intent == "legal_aid"
    assert arabic.language == "ar" and arabic.city() is not None
