"""The process-wide model: found at $SANAD_NLU_MODEL or nlu/_model/, retrained when missing or
stale (the training data changed since it was built), loaded once, shared by every thread."""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

from nlu.data import DEFAULT_DATA_DIR, fingerprint
from nlu.model import Model, ModelError
from nlu.rasa_backend import backend_from_env
from nlu.trainer import DEFAULT_MODEL_DIR, code_version, train

log = logging.getLogger(__name__)

_lock = threading.Lock()
_model: Model | None = None


def model_dir() -> Path:
    env = os.environ.get("SANAD_NLU_MODEL", "").strip()
    return Path(env) if env else DEFAULT_MODEL_DIR


def _stored_fingerprint(path: Path) -> str | None:
    try:
        return str(json.loads((path / "meta.json").read_text(encoding="utf-8"))["fingerprint"])
    except (OSError, ValueError, KeyError):
        return None


def is_fresh(path: Path, data_dir: Path = DEFAULT_DATA_DIR) -> bool:
    """True when `path` holds a model trained on the current data and feature code."""
    if not data_dir.is_dir():  # installed without training data: use what is there
        return (path / "meta.json").exists()
    return _stored_fingerprint(path) == fingerprint(data_dir.resolve(), code_version())


def load_or_train(path: Path) -> Model:
    if not is_fresh(path):
        log.info("nlu model missing or stale at %s; training", path)
        train(out=path)
    try:
        return Model.load(path)
    except ModelError:
        log.warning("nlu model at %s unreadable; retraining", path)
        train(out=path)
        return Model.load(path)


def get_model() -> Model:
    """The shared model (trained at first use when needed). Thread-safe."""
    global _model
    model = _model
    if model is not None:
        return model
    with _lock:
        if _model is None:
            loaded = load_or_train(model_dir())
            loaded.intent_backend = backend_from_env()
            _model = loaded
        return _model


def reset() -> None:
    """Forget the cached model (tests, or after `sanad nlu train` in the same process)."""
    global _model
    with _lock:
        _model = None
