"""The bot's own token for calls to the Bot Framework connector (client credentials).

The token authority is configurable (`TEAMS_LOGIN_URL`: national clouds such as
GCC High use other hosts; tests use loopback). msal would insist on discovering
the authority over the network, so the token is fetched with httpx, ahead of each
turn (`prefetch`), and handed to msrest from the cache.
"""

from __future__ import annotations

import asyncio
import time

import httpx
from botframework.connector.auth import AppCredentials

SCOPE = "https://api.botframework.com/.default"
DEFAULT_AUTHORITY_TENANT = "botframework.com"
EARLY = 300.0


class BotCredentials(AppCredentials):  # type: ignore[misc]
    """AppCredentials backed by a cached client-credentials token."""

    def __init__(self, app_id: str, password: str, *, login_url: str, tenant: str = "") -> None:
        super().__init__(app_id=app_id, channel_auth_tenant=tenant or None, oauth_scope=SCOPE)
        self.password = password
        self.token_url = (
            f"{login_url.rstrip('/')}/{tenant or DEFAULT_AUTHORITY_TENANT}/oauth2/v2.0/token"
        )
        self._token = ""
        self._expires = 0.0
        self._fetching = asyncio.Lock()  # many turns may find the token stale at once

    def _form(self) -> dict[str, str]:
        return {
            "grant_type": "client_credentials",
            "client_id": self.microsoft_app_id,
            "client_secret": self.password,
            "scope": SCOPE,
        }

    def _store(self, response: httpx.Response) -> str:
        body = response.raise_for_status().json()
        self._token = str(body["access_token"])
        self._expires = time.monotonic() + float(body.get("expires_in", 3600))
        return self._token

    def _fresh(self) -> bool:
        return bool(self._token) and time.monotonic() < self._expires - EARLY

    async def prefetch(self) -> None:
        """Make sure a valid token is cached (no-op without an app id); one fetch at a time."""
        if not self.microsoft_app_id or self._fresh():
            return
        async with self._fetching:
            if self._fresh():  # another task fetched it while this one waited
                return
            async with httpx.AsyncClient(timeout=15) as client:
                self._store(await client.post(self.token_url, data=self._form()))

    async def token(self) -> str:
        """A valid token, fetched first if the cached one is missing or about to expire."""
        await self.prefetch()
        return self._token

    def get_access_token(self, force_refresh: bool = False) -> str:
        """The cached token (msrest calls this synchronously while signing a request)."""
        if self._fresh() and not force_refresh:
            return self._token
        return self._store(httpx.post(self.token_url, data=self._form(), timeout=15))
