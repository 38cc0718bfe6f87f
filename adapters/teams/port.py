"""The engine's view of Teams: proactive sends through stored conversation references."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import httpx
from botbuilder.core import TurnContext
from botbuilder.schema import (
    Activity,
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
)
from botframework.connector.auth import ClaimsIdentity
from msrest.exceptions import ClientRequestError, HttpOperationError

from adapters.teams.connector import AioHttpBotAdapter
from adapters.teams.credentials import BotCredentials
from adapters.teams.graph import GraphReader, delivery_tag
from adapters.teams.references import Conversation
from adapters.teams.render import render_activity
from adapters.teams.store import TeamsStore
from adapters.teams.throttle import MAX_RATE, START_RATE, WINDOWS
from bot.errors import FivefoldError
from bot.messages import Message
from bot.models import Delivery, TargetKind, Tenant
from bot.platform import MemberProfile, Outcome, PlatformPort, SendResult
from bot.throttle import PaceProfile

RETRYABLE = frozenset({412, 429, 502, 504})
UNREACHABLE = frozenset({403, 404})


def _status(error: HttpOperationError) -> tuple[int, float | None]:
    response = error.response
    status = int(getattr(response, "status_code", None) or getattr(response, "status", 0) or 0)
    headers = getattr(response, "headers", None) or {}
    retry_after = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return status, float(retry_after) if retry_after is not None else None
    except ValueError:
        return status, None


def classify(error: HttpOperationError) -> SendResult:
    """A connector error as a send outcome (throttled → retry after; 403 → unreachable)."""
    status, retry_after = _status(error)
    if status in RETRYABLE:
        if retry_after is not None:
            return SendResult(Outcome.RETRY_AFTER, retry_after=retry_after, reason=f"http_{status}")
        return SendResult(Outcome.TRANSIENT, reason=f"http_{status}")
    if status in UNREACHABLE:
        return SendResult(Outcome.PERMANENT, reason="unreachable")
    if status >= 500 or status in (401, 408):
        return SendResult(Outcome.TRANSIENT, reason=f"http_{status}")
    return SendResult(Outcome.PERMANENT, reason=f"http_{status}")


class Unreachable(FivefoldError):
    """No conversation reference and no way to open a 1:1 chat with the member."""


class TeamsPort(PlatformPort):
    """Sends with botbuilder's `continue_conversation`, within Teams' conversation limits."""

    platform = "teams"
    graph: GraphReader | None = None  # set by the adapter: find_sent reads Graph

    def __init__(
        self,
        adapter: AioHttpBotAdapter,
        store: TeamsStore,
        credentials: BotCredentials,
        *,
        app_id: str,
        rate: float | None,
    ) -> None:
        self.adapter = adapter
        self.store = store
        self.credentials = credentials
        self.app_id = app_id
        ceiling = rate or MAX_RATE
        self.profile = PaceProfile(start=min(START_RATE, ceiling), ceiling=ceiling, burst=max(1, int(START_RATE)))
        self.identity = ClaimsIdentity({"aud": app_id, "appid": app_id} if app_id else {}, True)

    async def close(self) -> None:
        """Close the connector's HTTP session (its kept-alive connections)."""
        await self.adapter.aclose()

    def pace_profile(self) -> PaceProfile:
        """The per-tenant budget: found from Teams' answers, up to the ceiling."""
        return self.profile

    def conversation_limits(self) -> tuple[tuple[float, int], ...]:
        """The per-conversation windows Microsoft documents for bots."""
        return WINDOWS

    async def open_personal(self, tenant: str, aad_object_id: str) -> dict[str, Any]:
        """The 1:1 chat with a member: stored, else created (`POST /v3/conversations`).

        Raises:
            Unreachable: when the bot never saw the member.
        """
        reference = await self.store.personal_reference(tenant, aad_object_id)
        if reference is not None:
            return reference
        account = await self.store.account(tenant, aad_object_id)
        if account is None:
            raise Unreachable(aad_object_id)
        client = await self.adapter.create_connector_client(account.service_url, self.identity)
        parameters = ConversationParameters(
            is_group=False,
            bot=ChannelAccount(id=f"28:{self.app_id}"),
            tenant_id=tenant,
            members=[ChannelAccount(id=account.user_id)],
            channel_data={"tenant": {"id": tenant}},
        )
        created = await client.conversations.create_conversation(parameters)
        conversation = {"id": created.id, "conversationType": "personal", "tenantId": tenant}
        reference = {
            "user": {"id": account.user_id, "name": account.name, "aadObjectId": aad_object_id},
            "bot": {"id": f"28:{self.app_id}"},
            "conversation": conversation,
            "channelId": "msteams",
            "serviceUrl": created.service_url or account.service_url,
        }
        await self.store.save_conversation(
            tenant,
            Conversation(created.id, "personal", reference["serviceUrl"], aad_object_id, reference),
        )
        return reference

    async def post(self, reference: dict[str, Any], activity: dict[str, Any]) -> str:
        """Post `activity` into the referenced conversation; returns the new activity id."""
        sent: list[str] = []

        async def send(turn_context: TurnContext) -> None:
            response = await turn_context.send_activity(Activity().deserialize(activity))
            sent.append(getattr(response, "id", "") or "")

        await self.adapter.continue_conversation(
            ConversationReference().deserialize(reference),
            send,
            claims_identity=self.identity,
        )
        return sent[0] if sent else ""

    async def update(self, reference: dict[str, Any], activity: dict[str, Any]) -> None:
        """Replace the activity `activity["id"]` in the referenced conversation."""

        async def replace(turn_context: TurnContext) -> None:
            await turn_context.update_activity(Activity().deserialize(activity))

        await self.adapter.continue_conversation(
            ConversationReference().deserialize(reference), replace, claims_identity=self.identity
        )

    async def send(self, tenant: Tenant, delivery: Delivery, message: Message) -> SendResult:
        """Post a delivery to a member's 1:1 chat or to a channel / group chat."""
        try:
            await self.credentials.prefetch()
            if delivery.target_kind == TargetKind.MEMBER.value:
                reference = await self.open_personal(tenant.external_id, delivery.target_id)
            else:
                found = await self.store.reference(tenant.external_id, delivery.target_id)
                if found is None:
                    raise Unreachable(delivery.target_id)
                reference = found
            if message.replaces:  # an earlier card updated in place (`conversation:activity`)
                activity_id = message.replaces.rpartition(":")[2]
                await self.update(reference, {**render_activity(message), "id": activity_id})
            else:
                activity_id = await self.post(reference, render_activity(message, tag=delivery_tag(delivery.id)))
        except Unreachable:
            return SendResult(Outcome.PERMANENT, reason="unreachable")
        except HttpOperationError as error:
            return classify(error)
        except (
            TimeoutError,
            ClientRequestError,
            aiohttp.ClientError,
            httpx.HTTPError,
            OSError,
        ) as error:
            return SendResult(Outcome.TRANSIENT, reason=type(error).__name__)
        return SendResult(
            Outcome.SENT, message_id=f"{reference['conversation']['id']}:{activity_id}"[:128]
        )

    async def find_sent(self, tenant: Tenant, delivery: Delivery) -> str | None:
        """`conversation:activity` of an earlier post of this delivery, found through Graph.

        The connector cannot list a conversation's activities; Graph can, when the
        tenant granted the read permissions (see adapters.teams.graph). Without them,
        or without a stored conversation, this says "not found" (and the retry may
        post twice). Raises GraphUnavailable when Graph cannot answer now.
        """
        if self.graph is None:
            return None
        if delivery.target_kind == TargetKind.MEMBER.value:
            reference = await self.store.personal_reference(tenant.external_id, delivery.target_id)
        else:
            reference = await self.store.reference(tenant.external_id, delivery.target_id)
        if reference is None:
            return None
        found = await self.graph.find(tenant.external_id, reference, delivery.id, delivery.created_at)
        return f"{reference['conversation']['id']}:{found}"[:128] if found else None

    async def fetch_profile(self, tenant: Tenant, external_id: str) -> MemberProfile | None:
        """What the bot saw of a member in activities (Teams has no lookup without Graph)."""
        account = await self.store.account(tenant.external_id, external_id)
        if account is None:
            return None
        return MemberProfile(
            external_id=external_id,
            display_name=account.name,
            real_name=account.name,
            timezone=account.timezone,
            locale=account.locale,
        )

    async def list_profiles(self, tenant: Tenant) -> AsyncIterator[MemberProfile]:
        """Every member the bot saw in the tenant."""
        for account in await self.store.accounts(tenant.external_id):
            yield MemberProfile(
                external_id=account.aad_object_id,
                display_name=account.name,
                real_name=account.name,
                timezone=account.timezone,
                locale=account.locale,
            )
