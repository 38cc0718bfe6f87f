"""The contract every chat-platform adapter fulfils for the engine."""

from __future__ import annotations

import abc
from collections.abc import AsyncIterator
from dataclasses import dataclass
from enum import StrEnum

from bot.messages import Message
from bot.models import Delivery, Tenant
from bot.throttle import PaceProfile


@dataclass(frozen=True)
class MemberProfile:
    """A member as the platform describes them."""

    external_id: str
    display_name: str = ""
    real_name: str = ""
    email: str | None = None
    timezone: str | None = None
    locale: str | None = None
    is_bot: bool = False
    is_deleted: bool = False
    is_admin: bool = False


@dataclass(frozen=True)
class TenantIdentity:
    """The one workspace/tenant a single-tenant install's credentials belong to."""

    external_id: str
    name: str = ""


class Outcome(StrEnum):
    """How a send attempt ended."""

    SENT = "sent"
    RETRY_AFTER = "retry_after"  # the platform throttled us: try again after `retry_after`
    DEFERRED = "deferred"  # not sent: only this message waits `retry_after` (e.g. a busy conversation)
    TRANSIENT = "transient"  # network or server trouble: back off and retry
    PERMANENT = "permanent"  # user gone, channel archived, …: never retry


@dataclass(frozen=True)
class SendResult:
    """The result of one platform call."""

    outcome: Outcome
    message_id: str | None = None
    retry_after: float = 0.0
    reason: str = ""


class PlatformPort(abc.ABC):
    """What the engine needs from a chat platform; one implementation per adapter."""

    platform: str

    @abc.abstractmethod
    async def send(self, tenant: Tenant, delivery: Delivery, message: Message) -> SendResult:
        """Post `message` to the delivery's target; never raises for platform errors."""

    @abc.abstractmethod
    async def fetch_profile(self, tenant: Tenant, external_id: str) -> MemberProfile | None:
        """Look a member up on the platform (None when unknown)."""

    @abc.abstractmethod
    def list_profiles(self, tenant: Tenant) -> AsyncIterator[MemberProfile]:
        """Every member of the tenant, page by page."""

    async def find_sent(self, tenant: Tenant, delivery: Delivery) -> str | None:
        """The platform id of `delivery` if an earlier attempt already posted it.

        Called before re-sending a delivery that was in flight when a worker died.
        Platforms that cannot tell return None (and may send twice in that window).
        """
        return None

    async def own_tenant(self) -> TenantIdentity | None:
        """The tenant this install is for, when its credentials name exactly one (else None).

        Raises:
            ConfigurationError: the platform refused the credentials (the message names the setting).
        """
        return None

    async def close(self) -> None:  # noqa: B027 - optional hook: nothing to release by default
        """Release network resources (HTTP sessions) when the process stops."""

    def pace_profile(self) -> PaceProfile:
        """How the tenant's send rate starts and how far it may grow (it is found from 429s between)."""
        return PaceProfile(start=1.0, ceiling=1.0, burst=1)

    def conversation_limits(self) -> tuple[tuple[float, int], ...]:
        """(seconds, messages) windows each conversation is paced to."""
        return ((1.0, 1),)

    def conversation_of(self, delivery: Delivery) -> str:
        """The conversation a delivery posts to (its pacing key within the tenant)."""
        return delivery.target_id

