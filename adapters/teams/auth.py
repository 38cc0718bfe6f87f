"""Authenticating Bot Framework requests: the channel's JWT, checked the way the SDKs do.

Checked: the RS256 signature with a key from the OpenID metadata's JWKS, the
issuer the metadata names, the audience (our app id), expiry and not-before with
five minutes of clock skew, the key's endorsement of the activity's channel, and
the `serviceurl` claim against the activity's `serviceUrl`.

Written on PyJWT and httpx rather than botframework-connector's validator because
that one fetches keys with blocking `requests` calls inside the event loop, keeps
its metadata URL in a class attribute, and accepts keys with no endorsements.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt

from bot.errors import FivefoldError

PUBLIC_METADATA_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
CLOCK_SKEW = 300
REFRESH_AFTER = 24 * 3600
UNKNOWN_KEY_REFRESH = 300


class AuthenticationError(FivefoldError):
    """The request is not from the Bot Framework channel for this bot (answer 401)."""


@dataclass(frozen=True)
class Identity:
    """A verified token: its claims and the endorsements of the key that signed it."""

    claims: dict[str, Any]
    endorsements: tuple[str, ...]


@dataclass
class OpenIdKeys:
    """The signing keys published by the OpenID metadata, cached and refreshed daily."""

    metadata_url: str
    issuer: str = ""
    keys: dict[str, dict[str, Any]] = field(default_factory=dict)
    fetched_at: float = 0.0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def refresh(self) -> None:
        """Fetch the metadata document, then its JWKS."""
        async with httpx.AsyncClient(timeout=10) as client:
            metadata = (await client.get(self.metadata_url)).raise_for_status().json()
            jwks = (await client.get(metadata["jwks_uri"])).raise_for_status().json()
        self.issuer = str(metadata.get("issuer", ""))
        self.keys = {str(key["kid"]): key for key in jwks.get("keys", []) if key.get("kid")}
        self.fetched_at = time.monotonic()

    async def key(self, kid: str) -> dict[str, Any] | None:
        """The JWK with id `kid` (refreshing when stale, or when unknown at most every 5 min)."""
        async with self.lock:
            age = time.monotonic() - self.fetched_at
            if (
                not self.fetched_at
                or age > REFRESH_AFTER
                or (kid not in self.keys and age > UNKNOWN_KEY_REFRESH)
            ):
                try:
                    await self.refresh()
                except (httpx.HTTPError, KeyError, ValueError) as error:
                    if not self.keys:
                        raise AuthenticationError(
                            f"OpenID metadata unavailable: {error}"
                        ) from error
            return self.keys.get(kid)


class TokenVerifier:
    """Verifies the `Authorization: Bearer …` header of an incoming activity."""

    def __init__(self, app_id: str, metadata_url: str | None = None) -> None:
        self.app_id = app_id
        self.keys = OpenIdKeys(metadata_url or PUBLIC_METADATA_URL)

    async def authenticate(self, header: str) -> Identity:
        """Signature, issuer, audience and lifetime of the header's token.

        Raises:
            AuthenticationError: for a missing, malformed or invalid token.
        """
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError("no bearer token")
        try:
            kid = str(jwt.get_unverified_header(token).get("kid") or "")
            jwk = await self.keys.key(kid)
            if jwk is None:
                raise AuthenticationError("unknown signing key")
            claims: dict[str, Any] = jwt.decode(
                token,
                jwt.PyJWK(jwk).key,
                algorithms=["RS256"],
                audience=self.app_id,
                issuer=self.keys.issuer,
                leeway=CLOCK_SKEW,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as error:
            raise AuthenticationError(f"invalid token: {error}") from error
        endorsements = tuple(str(e) for e in jwk.get("endorsements") or [])
        return Identity(claims=claims, endorsements=endorsements)

    @staticmethod
    def authorize(identity: Identity, channel_id: str, service_url: str) -> None:
        """The key must endorse the activity's channel and the token name its service URL.

        Raises:
            AuthenticationError: when either does not hold.
        """
        if not channel_id or channel_id not in identity.endorsements:
            raise AuthenticationError(f"signing key not endorsed for channel {channel_id!r}")
        claimed = str(identity.claims.get("serviceurl") or identity.claims.get("serviceUrl") or "")
        if claimed.rstrip("/") != service_url.rstrip("/"):
            raise AuthenticationError("serviceUrl does not match the token")
