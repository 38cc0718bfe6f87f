"""The engine's view of Slack: send outbox messages, look members up."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.inbound import profile_from_user
from adapters.slack.render import render_message
from bot.messages import Message
from bot.models import Delivery, Tenant
from bot.platform import MemberProfile, Outcome, PlatformPort, SendResult

PERMANENT = frozenset({
    "channel_not_found", "not_in_channel", "is_archived", "user_not_found", "account_inactive",
    "user_disabled", "cannot_dm_bot", "msg_too_long", "no_text", "invalid_blocks",
    "invalid_auth", "token_revoked", "not_authed", "restricted_action", "missing_scope",
    "team_access_not_granted", "channel_is_archived", "messages_tab_disabled",
})
METADATA_EVENT = "fivefold_delivery"

TokenLookup = Callable[[str], Awaitable[str | None]]


def classify(error: SlackApiError) -> SendResult:
    """A Slack API error as a send outcome (429 → retry after; known codes → permanent)."""
    response = error.response
    code = str(response.get("error", "unknown_error"))
    if response.status_code == 429 or code == "ratelimited":
        retry_after = float(response.headers.get("Retry-After", response.headers.get("retry-after", 1)))
        return SendResult(Outcome.RETRY_AFTER, retry_after=retry_after, reason="ratelimited")
    if code in PERMANENT:
        return SendResult(Outcome.PERMANENT, reason=code)
    return SendResult(Outcome.TRANSIENT, reason=code)


class SlackPort(PlatformPort):
    """Sends through `chat.postMessage` with the workspace's bot token."""

    platform = "slack"

    def __init__(self, *, api_url: str, tokens: TokenLookup, rate: float, burst: int) -> None:
        self.api_url = api_url
        self.tokens = tokens
        self.rate, self.burst = rate, burst
        self._clients: dict[str, AsyncWebClient] = {}

    async def client(self, tenant: Tenant) -> AsyncWebClient | None:
        """A Web API client for the tenant's workspace (None when not installed)."""
        token = await self.tokens(tenant.external_id)
        if not token:
            return None
        client = self._clients.get(token)
        if client is None:
            client = self._clients[token] = AsyncWebClient(token=token, base_url=self.api_url, timeout=15)
        return client

    def tokens_per_second(self) -> tuple[float, int]:
        """The workspace budget for posting (Slack: ~1 message/s sustained, small bursts)."""
        return (self.rate, self.burst)

    async def send(self, tenant: Tenant, delivery: Delivery, message: Message) -> SendResult:
        """Post to a channel, or to a user id (which reaches the app DM, no conversations.open)."""
        client = await self.client(tenant)
        if client is None:
            return SendResult(Outcome.PERMANENT, reason="workspace_not_installed")
        payload = render_message(message)
        metadata = {"event_type": METADATA_EVENT, "event_payload": {"delivery_id": str(delivery.id)}}
        try:
            response = await client.chat_postMessage(
                channel=delivery.target_id, metadata=metadata, unfurl_links=False, **payload
            )
        except SlackApiError as error:
            return classify(error)
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            return SendResult(Outcome.TRANSIENT, reason=type(error).__name__)
        channel, ts = response.get("channel", delivery.target_id), response.get("ts", "")
        return SendResult(Outcome.SENT, message_id=f"{channel}:{ts}")

    async def fetch_profile(self, tenant: Tenant, external_id: str) -> MemberProfile | None:
        """`users.info` with the user's locale."""
        client = await self.client(tenant)
        if client is None:
            return None
        try:
            response = await client.users_info(user=external_id, include_locale=True)
        except SlackApiError:
            return None
        except (TimeoutError, aiohttp.ClientError, OSError):
            return None
        user: dict[str, Any] = response.get("user") or {}
        return profile_from_user(user) if user.get("id") else None

    async def list_profiles(self, tenant: Tenant) -> AsyncIterator[MemberProfile]:
        """Every user of the workspace through `users.list`'s cursor pages."""
        client = await self.client(tenant)
        if client is None:
            return
        cursor: str | None = None
        while True:
            response = await client.users_list(limit=200, cursor=cursor, include_locale=True)
            for user in response.get("members") or []:
                yield profile_from_user(user)
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return
