"""Encryption of message content at rest and pseudonymous contact keys.

Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) for content; HMAC-SHA256 for contact
keys, so the raw phone number or Telegram id is never stored or logged in clear. Both keys are
derived from SANAD_DATA_KEY with HKDF, so one secret is enough to operate and to rotate.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.errors import ConfigError


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        secret.encode()
    )


class Vault:
    """Encrypts and decrypts text; turns channel ids into stable pseudonymous keys."""

    def __init__(self, data_key: str) -> None:
        if not data_key:
            raise ConfigError("SANAD_DATA_KEY is empty: set it, or run in development mode.")
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(data_key, b"sanad-content")))
        self._pepper = _derive(data_key, b"sanad-contact-key")

    def encrypt(self, text: str) -> bytes:
        return self._fernet.encrypt(text.encode("utf-8"))

    def decrypt(self, token: bytes | None) -> str:
        if token is None:
            return ""
        try:
            return self._fernet.decrypt(token).decode("utf-8")
        except InvalidToken:
            # A row written under another key is unreadable, not a crash of the whole page.
            return "\N{REPLACEMENT CHARACTER}"

    def pseudonym(self, *parts: str) -> str:
        """A keyed hash of an identifier: stable, not reversible without the key."""
        message = "\x1f".join(parts).encode("utf-8")
        return hmac.new(self._pepper, message, hashlib.sha256).hexdigest()[:40]
