"""Slack's v0 request signature, checked in constant work before anything reads the body."""

from __future__ import annotations

import hashlib
import hmac
import time

MAX_AGE_SECONDS = 300
MAX_TIMESTAMP_DIGITS = 12  # a Unix time in seconds has 10 digits until the year 2286
SIGNATURE_LENGTH = len("v0=") + 64


class SlackSignature:
    """Verifies `X-Slack-Signature` over the raw body bytes (never decoded first)."""

    def __init__(self, signing_secret: str) -> None:
        self._secret = signing_secret.encode()

    def is_valid(self, body: bytes, timestamp: str | None, signature: str | None,
                 now: float | None = None) -> bool:
        """True for a fresh timestamp (plain ASCII digits) and a matching HMAC-SHA256."""
        if not timestamp or not signature or len(signature) != SIGNATURE_LENGTH:
            return False
        if len(timestamp) > MAX_TIMESTAMP_DIGITS or not (timestamp.isascii() and timestamp.isdigit()):
            return False
        if abs((time.time() if now is None else now) - int(timestamp)) > MAX_AGE_SECONDS:
            return False
        base = b"v0:" + timestamp.encode() + b":" + body
        expected = b"v0=" + hmac.new(self._secret, base, hashlib.sha256).hexdigest().encode()
        return hmac.compare_digest(expected, signature.encode("latin-1", "replace"))
