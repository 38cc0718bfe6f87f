"""The engine's tables: tenants, members, processed events, API keys and the outbox.

Programs keep their tables in their own `models.py`, which their `install` names; the
broadcast tables (`bot.broadcasts.models`) are imported here because deliveries refer
to occurrences by foreign key.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Index, Integer, String, Text, UniqueConstraint, false
from sqlmodel import Field, SQLModel

import bot.broadcasts.models  # noqa: F401 - deliveries refer to occurrences by foreign key
from bot.columns import UTCDateTime, created_at_field, utcnow

__all__ = ["UTCDateTime", "created_at_field", "utcnow"]


class Tenant(SQLModel, table=True):
    """A Slack workspace or a Microsoft Teams tenant; every other row belongs to one."""

    __table_args__ = (UniqueConstraint("platform", "external_id", name="uq_tenant_platform_ext"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(sa_column=Column(String(16), nullable=False))
    external_id: str = Field(sa_column=Column(String(64), nullable=False))
    name: str = Field(default="", sa_column=Column(String(200), nullable=False, default=""))
    default_locale: str = Field(default="en", sa_column=Column(String(8), nullable=False))
    default_timezone: str = Field(default="UTC", sa_column=Column(String(64), nullable=False))
    created_at: dt.datetime = created_at_field()
    # per-tenant overrides of the environment's defaults (None: the default); read via bot.tenant_settings
    kudos_daily_allowance: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    kudos_emoji: str | None = Field(default=None, sa_column=Column(String(100), nullable=True))
    anonymity_threshold: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))


class Member(SQLModel, table=True):
    """A person (or bot) in a tenant, as the platform knows them."""

    __table_args__ = (UniqueConstraint("tenant_id", "external_id", name="uq_member_tenant_ext"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    external_id: str = Field(sa_column=Column(String(64), nullable=False))
    display_name: str = Field(default="", sa_column=Column(String(200), nullable=False))
    real_name: str = Field(default="", sa_column=Column(String(200), nullable=False))
    email: str | None = Field(default=None, sa_column=Column(String(320), nullable=True))
    timezone: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    locale: str | None = Field(default=None, sa_column=Column(String(16), nullable=True))
    is_bot: bool = False
    is_deleted: bool = False
    is_admin: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    """A workspace admin or owner (Slack `is_admin`/`is_owner`): reviews when no reviewer is configured."""
    department: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    location: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    country: str | None = Field(default=None, sa_column=Column(String(8), nullable=True))
    start_date: dt.date | None = None
    profile_synced_at: dt.datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    created_at: dt.datetime = created_at_field()

    @property
    def name(self) -> str:
        """The name to show for this member."""
        return self.display_name or self.real_name or self.external_id


class ProcessedEvent(SQLModel, table=True):
    """A platform event already handled; its key is inserted in the handling transaction."""

    __tablename__ = "processed_event"

    key: str = Field(sa_column=Column(String(200), primary_key=True))
    tenant_id: int | None = Field(default=None, foreign_key="tenant.id", index=True)
    created_at: dt.datetime = created_at_field()


class DeliveryStatus(StrEnum):
    """Where a delivery is in its life."""

    PENDING = "pending"
    IN_FLIGHT = "in_flight"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


class TargetKind(StrEnum):
    """What a delivery is addressed to."""

    MEMBER = "member"  # a 1:1 message to a person
    CHANNEL = "channel"  # a post in a channel / conversation


class Lane(StrEnum):
    """Which queue a delivery waits in: interactive rows are always claimed first."""

    INTERACTIVE = "interactive"  # a person is waiting: kudos cards and DMs, receipts, confirmations
    BROADCAST = "broadcast"  # planned broadcasts, survey invitations and reminders, digests, lessons


class Delivery(SQLModel, table=True):
    """One message in the outbox: sent by a worker, exactly once per dedupe key."""

    __table_args__ = (
        UniqueConstraint("dedupe_key", name="uq_delivery_dedupe_key"),
        Index("ix_delivery_due", "status", "due_at"),
        Index("ix_delivery_lane_due", "status", "lane", "due_at"),
        Index("ix_delivery_tenant_due", "status", "tenant_id", "lane", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    dedupe_key: str = Field(sa_column=Column(String(200), nullable=False))
    target_kind: str = Field(sa_column=Column(String(16), nullable=False))
    target_id: str = Field(sa_column=Column(String(128), nullable=False))
    member_id: int | None = Field(default=None, foreign_key="member.id")
    occurrence_id: int | None = Field(default=None, foreign_key="occurrence.id", index=True)
    locale: str = Field(default="en", sa_column=Column(String(8), nullable=False))
    lane: str = Field(
        default=Lane.INTERACTIVE, sa_column=Column(String(16), nullable=False, server_default=Lane.INTERACTIVE.value)
    )
    message: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(
        default=DeliveryStatus.PENDING, sa_column=Column(String(16), nullable=False)
    )
    attempts: int = 0
    due_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    lease_until: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    sent_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    platform_message_id: str | None = Field(default=None, sa_column=Column(String(128), nullable=True))
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: dt.datetime = created_at_field()


class ApiKey(SQLModel, table=True):
    """An admin API key: only its SHA-256 is stored; `role` is `admin` or `analyst`."""

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    name: str = Field(default="", sa_column=Column(String(200), nullable=False))
    prefix: str = Field(sa_column=Column(String(16), nullable=False))
    key_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    role: str = Field(sa_column=Column(String(16), nullable=False))
    created_at: dt.datetime = created_at_field()
    last_used_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    revoked: bool = False
