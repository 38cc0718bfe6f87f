"""Reading a conversation's recent bot messages through Microsoft Graph (reconciliation only).

The Bot Framework connector cannot list a conversation's activities, so a delivery
whose send may have reached Teams without being recorded is looked for in
Graph: the 1:1 chat (`/users/{aad}/teamwork/installedApps/{id}/chat`, then
`/chats/{id}/messages`) or the channel (`/teams/{group}/channels/{id}/messages`).
Every card Fivefold posts carries `fivefold-delivery-{id}` as its first element's
id, which Graph returns inside the card attachment. Needs the application
permissions `Chat.Read.All` and `ChannelMessage.Read.All` (or the resource-specific
`ChatMessage.Read.Chat` / `ChannelMessage.Read.Group`), and `TeamsAppInstallation.ReadForUser.All`;
without them Graph answers 403 and the check says "not found".
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import httpx

from bot.errors import FivefoldError

SCOPE = "https://graph.microsoft.com/.default"
PAGE, MAX_PAGES = 50, 4  # newest first; a delivery is re-checked within minutes of its send
SLACK = dt.timedelta(minutes=2)  # clock difference between us and Teams
NOT_READABLE = frozenset({401, 403, 404})


class GraphUnavailable(FivefoldError):
    """Graph could not answer now (throttled, network): check again later, never send blind."""


def delivery_tag(delivery_id: int | None) -> str:
    """The id of the first element of the card posted for a delivery."""
    return f"fivefold-delivery-{delivery_id}"


class GraphReader:
    """App-only Graph calls for one app registration, a token cached per tenant."""

    def __init__(self, app_id: str, password: str, *, login_url: str, graph_url: str) -> None:
        self.app_id, self.password = app_id, password
        self.login_url, self.graph_url = login_url.rstrip("/"), graph_url.rstrip("/")
        self._tokens: dict[str, tuple[str, float]] = {}

    async def _token(self, client: httpx.AsyncClient, tenant: str) -> str:
        token, expires = self._tokens.get(tenant, ("", 0.0))
        if token and time.monotonic() < expires - 300:
            return token
        answer = await client.post(
            f"{self.login_url}/{tenant}/oauth2/v2.0/token",
            data={"grant_type": "client_credentials", "client_id": self.app_id,
                  "client_secret": self.password, "scope": SCOPE},
        )
        body = answer.raise_for_status().json()
        self._tokens[tenant] = (str(body["access_token"]), time.monotonic() + float(body.get("expires_in", 3600)))
        return self._tokens[tenant][0]

    async def _get(self, client: httpx.AsyncClient, tenant: str, url: str) -> dict[str, Any] | None:
        """A Graph GET; None when Graph will not let us read it (no permission, gone)."""
        headers = {"Authorization": f"Bearer {await self._token(client, tenant)}"}
        answer = await client.get(url if url.startswith("http") else self.graph_url + url, headers=headers)
        if answer.status_code in NOT_READABLE:
            return None
        if answer.status_code == 429 or answer.status_code >= 500:
            raise GraphUnavailable(f"graph answered {answer.status_code}")
        found: dict[str, Any] = answer.raise_for_status().json()
        return found

    async def _messages_url(self, client: httpx.AsyncClient, tenant: str, reference: dict[str, Any]) -> str | None:
        conversation = reference.get("conversation") or {}
        group = conversation.get("aadGroupId")
        if conversation.get("conversationType") == "channel" and group:
            return f"/teams/{group}/channels/{conversation['id']}/messages?$top={PAGE}"
        member = (reference.get("user") or {}).get("aadObjectId")
        if conversation.get("conversationType") != "personal" or not member:
            return None
        apps = await self._get(
            client, tenant,
            f"/users/{member}/teamwork/installedApps?$filter=teamsApp/externalId eq '{self.app_id}'",
        )
        installs = (apps or {}).get("value") or []
        if not installs:
            return None
        chat = await self._get(client, tenant, f"/users/{member}/teamwork/installedApps/{installs[0]['id']}/chat")
        return f"/chats/{chat['id']}/messages?$top={PAGE}" if chat else None

    async def find(self, tenant: str, reference: dict[str, Any], delivery_id: int | None,
                   since: dt.datetime) -> str | None:
        """The message id of the bot's post tagged for `delivery_id`, posted after `since`.

        Raises:
            GraphUnavailable: when Graph cannot answer now.
        """
        tag = delivery_tag(delivery_id)
        try:
            async with httpx.AsyncClient(timeout=10) as client:
                url = await self._messages_url(client, tenant, reference)
                for _page in range(MAX_PAGES):
                    page = await self._get(client, tenant, url) if url else None
                    if page is None:
                        return None
                    found, older = _match(page.get("value") or [], self.app_id, tag, since - SLACK)
                    if found or older:
                        return found
                    url = page.get("@odata.nextLink")
        except httpx.HTTPError as error:
            raise GraphUnavailable(repr(error)) from error
        return None


def _match(messages: list[dict[str, Any]], app_id: str, tag: str, since: dt.datetime) -> tuple[str | None, bool]:
    """The id of our tagged message, and whether the page reached messages older than `since`."""
    older = False
    for message in messages:
        created = _when(message.get("createdDateTime"))
        if created is not None and created < since:
            older = True
            continue
        application = ((message.get("from") or {}).get("application") or {}).get("id")
        contents = " ".join(str(a.get("content") or "") for a in message.get("attachments") or [])
        if application == app_id and f'"{tag}"' in contents:
            return str(message["id"]), older
    return None, older


def _when(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
