"""The engine's view of Slack: send outbox messages, look members up."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import structlog
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.inbound import profile_from_user
from adapters.slack.render import render_message
from bot.errors import ConfigurationError
from bot.messages import Message
from bot.models import Delivery, TargetKind, Tenant
from bot.platform import MemberProfile, Outcome, PlatformPort, SendResult, TenantIdentity
from bot.throttle import PaceProfile

log = structlog.get_logger(__name__)

PERMANENT = frozenset({
    "channel_not_found", "not_in_channel", "is_archived", "user_not_found", "account_inactive",
    "user_disabled", "cannot_dm_bot", "msg_too_long", "no_text", "invalid_blocks",
    "invalid_auth", "token_revoked", "not_authed", "restricted_action", "missing_scope",
    "team_access_not_granted", "channel_is_archived", "messages_tab_disabled",
})
REFUSED_TOKEN = frozenset({"invalid_auth", "token_revoked", "not_authed", "account_inactive", "token_expired"})
METADATA_EVENT = "fivefold_delivery"
TIMEOUT = 15  # seconds for one Web API call
RECONCILE_SLACK = dt.timedelta(minutes=1)  # look this far before the delivery was created
RECONCILE_PAGE = 200
RECONCILE_PAGES = 10  # at most 2,000 messages of one conversation are read per check
# chat.postMessage allows about one message a second per channel (a DM is a channel too);
# paced from when a call starts, so a tenth of a second is left for its time on the wire
CHANNEL_WINDOWS: tuple[tuple[float, int], ...] = ((1.1, 1),)
# Slack publishes no workspace limit ("several hundred a minute"): start at a few a second and let the
# outbox find the rate from Slack's 429s, up to the operator's ceiling or this
START_RATE, MAX_RATE = 5.0, 500.0

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

    def __init__(self, *, api_url: str, tokens: TokenLookup, rate: float | None, burst: int,
                 single_workspace_token: str | None = None) -> None:
        self.api_url = api_url
        self.tokens = tokens
        self.single_workspace_token = single_workspace_token
        ceiling = rate or MAX_RATE
        self.profile = PaceProfile(start=min(START_RATE, ceiling), ceiling=ceiling, burst=burst)
        self._clients: dict[str, AsyncWebClient] = {}
        self._session: aiohttp.ClientSession | None = None
        self._session_loop: asyncio.AbstractEventLoop | None = None

    def _http(self) -> aiohttp.ClientSession:
        """One HTTP session (kept-alive connections) per event loop, shared by every workspace's client.

        Without it the SDK opens a new session, and a new connection, for every call.
        """
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._session_loop is not loop:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT))
            self._session_loop = loop
            self._clients.clear()
        return self._session

    async def client(self, tenant: Tenant) -> AsyncWebClient | None:
        """A Web API client for the tenant's workspace (None when not installed)."""
        token = await self.tokens(tenant.external_id)
        if not token:
            return None
        session = self._http()
        client = self._clients.get(token)
        if client is None:
            # No SDK retries: a retried post whose first try reached Slack would be a duplicate.
            # The outbox retries instead, and reconciles (find_sent) before posting again.
            client = self._clients[token] = AsyncWebClient(
                token=token, base_url=self.api_url, timeout=TIMEOUT, session=session, retry_handlers=[]
            )
        return client

    async def close(self) -> None:
        """Close the shared HTTP session (its connections)."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None
        self._clients.clear()

    def pace_profile(self) -> PaceProfile:
        """The workspace budget for posting: found from Slack's answers, up to the ceiling."""
        return self.profile

    def conversation_limits(self) -> tuple[tuple[float, int], ...]:
        """About one message a second per channel (a DM is a channel too)."""
        return CHANNEL_WINDOWS

    async def send(self, tenant: Tenant, delivery: Delivery, message: Message) -> SendResult:
        """Post to a channel, or to a user id (which reaches the app DM, no conversations.open)."""
        client = await self.client(tenant)
        if client is None:
            return SendResult(Outcome.PERMANENT, reason="workspace_not_installed")
        payload = render_message(message)
        metadata = {"event_type": METADATA_EVENT, "event_payload": {"delivery_id": str(delivery.id)}}
        try:
            if message.replaces:  # an earlier message updated in place (`channel:ts`)
                channel, _, ts = message.replaces.partition(":")
                response = await client.chat_update(channel=channel, ts=ts, **payload)
            else:
                response = await client.chat_postMessage(
                    channel=delivery.target_id, metadata=metadata, unfurl_links=False, **payload
                )
        except SlackApiError as error:
            return classify(error)
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            return SendResult(Outcome.TRANSIENT, reason=type(error).__name__)
        channel, ts = response.get("channel", delivery.target_id), response.get("ts", "")
        return SendResult(Outcome.SENT, message_id=f"{channel}:{ts}")

    async def own_tenant(self) -> TenantIdentity | None:
        """The workspace of SLACK_BOT_TOKEN, from `auth.test` (None in OAuth mode or when Slack is unreachable).

        Raises:
            ConfigurationError: Slack refused the token (wrong, revoked, or of a deactivated app).
        """
        if not self.single_workspace_token:
            return None
        client = AsyncWebClient(token=self.single_workspace_token, base_url=self.api_url, timeout=TIMEOUT,
                                session=self._http(), retry_handlers=[])
        try:
            response = await client.auth_test()
        except SlackApiError as error:
            code = str(error.response.get("error", "unknown_error"))
            if code in REFUSED_TOKEN:
                raise ConfigurationError(f"SLACK_BOT_TOKEN was refused by Slack ({code}): set the bot token "
                                         "of the app installed in your workspace (xoxb-…)") from error
            log.warning("slack.auth_test_failed", error=code)
            return None
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            log.warning("slack.auth_test_unreachable", error=repr(error))
            return None
        team_id = str(response.get("team_id") or "")
        return TenantIdentity(team_id, str(response.get("team") or "")) if team_id else None

    async def find_sent(self, tenant: Tenant, delivery: Delivery) -> str | None:
        """`channel:ts` of a message carrying this delivery's id in its metadata, if one was posted.

        Reads the conversation's history since shortly before the delivery was
        created (a DM's channel id comes from `conversations.open`, only on this
        rare path). Raises when Slack cannot answer now (rate limit, network), so
        the worker retries the check later instead of sending blind; returns None
        when the conversation cannot be read at all (not found, no access), where
        the send itself will tell what is wrong.
        """
        client = await self.client(tenant)
        if client is None:
            return None
        wanted = str(delivery.id)
        try:
            channel = delivery.target_id
            if delivery.target_kind == TargetKind.MEMBER.value or channel.startswith(("U", "W")):
                opened = await client.conversations_open(users=channel, return_im=False)
                channel = str((opened.get("channel") or {}).get("id") or "")
                if not channel:
                    return None
            oldest = f"{(delivery.created_at - RECONCILE_SLACK).timestamp():.6f}"
            cursor: str | None = None
            for _page in range(RECONCILE_PAGES):
                response = await client.conversations_history(
                    channel=channel, oldest=oldest, limit=RECONCILE_PAGE, include_all_metadata=True, cursor=cursor
                )
                for message in response.get("messages") or []:
                    if _delivery_id(message) == wanted:
                        return f"{channel}:{message.get('ts', '')}"
                cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
                if not response.get("has_more") or not cursor:
                    return None
            log.warning("slack.reconcile_history_truncated", delivery=delivery.id, channel=channel)
            return None
        except SlackApiError as error:
            result = classify(error)
            if result.outcome is Outcome.PERMANENT:
                log.warning("slack.reconcile_unreadable", delivery=delivery.id, reason=result.reason)
                return None
            raise

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


def _delivery_id(message: dict[str, Any]) -> str | None:
    """The Fivefold delivery id in a message's metadata (None for any other message)."""
    metadata = message.get("metadata") or {}
    if not isinstance(metadata, dict) or metadata.get("event_type") != METADATA_EVENT:
        return None
    payload = metadata.get("event_payload") or {}
    value = payload.get("delivery_id") if isinstance(payload, dict) else None
    return None if value is None else str(value)
