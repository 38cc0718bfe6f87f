"""Broadcast and occurrence tables: the broadcast library's.

A broadcast is a message + audience + schedule, with a short label its program gives
it. Each firing is an occurrence, keyed uniquely per (broadcast, slot), and each
occurrence × recipient is one delivery row in the outbox (unique dedupe key), so
materialising twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.columns import UTCDateTime, created_at_field


class Broadcast(SQLModel, table=True):
    """A planned message: what (message), to whom (audience), when (schedule)."""

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    name: str = Field(sa_column=Column(String(200), nullable=False))
    label: str = Field(sa_column=Column(String(16), nullable=False))  # the owning program's label
    message: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    audience: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    schedule: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    active: bool = True
    starter_key: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    created_at: dt.datetime = created_at_field()
    updated_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    # why the scheduler could not materialise it last time (None once it works again)
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    failed_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class Occurrence(SQLModel, table=True):
    """One firing of a broadcast. `slot` is the wall-clock slot it stands for.

    For a fixed time zone the slot is the UTC instant; for "each recipient's own
    time zone" it is the local date and time (`2026-03-29T09:00`), and every
    recipient's delivery is due at that wall-clock time in their zone.
    """

    __table_args__ = (UniqueConstraint("broadcast_id", "slot", name="uq_occurrence_slot"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    broadcast_id: int = Field(foreign_key="broadcast.id", index=True)
    slot: str = Field(sa_column=Column(String(40), nullable=False))
    first_due_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    recipients: int = 0
    materialised_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    created_at: dt.datetime = created_at_field()
