"""Encryption at rest for platform tokens, keyed by FIVEFOLD_SECRET_KEY."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken

PREFIX = "fv1:"


class TokenCipher:
    """Encrypts and decrypts short secrets (Fernet: AES-128-CBC + HMAC-SHA256)."""

    def __init__(self, secret_key: str) -> None:
        digest = hashlib.sha256(b"fivefold-token-encryption:" + secret_key.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    def encrypt(self, value: str | None) -> str | None:
        """`value` encrypted and marked with a version prefix (None stays None)."""
        if value is None or value.startswith(PREFIX):
            return value
        return PREFIX + self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, value: str | None) -> str | None:
        """The clear text of a value from `encrypt` (values without the prefix pass through).

        Raises:
            ValueError: the value was encrypted with another key.
        """
        if value is None or not value.startswith(PREFIX):
            return value
        try:
            return self._fernet.decrypt(value[len(PREFIX) :].encode()).decode()
        except InvalidToken as exc:
            raise ValueError("stored token cannot be decrypted with FIVEFOLD_SECRET_KEY") from exc
