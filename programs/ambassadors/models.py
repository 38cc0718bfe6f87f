"""Ambassador applications; an approved one is the member's ambassador role."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Column, Index, String, Text
from sqlmodel import Field, SQLModel

from bot.models import UTCDateTime, created_at_field


class Status(StrEnum):
    """Where an application is in its life."""

    PENDING = "pending"
    APPROVED = "approved"  # the member is an ambassador
    DECLINED = "declined"
    STEPPED_DOWN = "stepped_down"  # the ambassador left the role themselves
    REMOVED = "removed"  # HR ended the role


OPEN = (Status.PENDING.value, Status.APPROVED.value)
"""A member has at most one application in these statuses."""


class Ambassador(SQLModel, table=True):
    """One sign-up: what the member offered and what was decided."""

    __table_args__ = (Index("ix_ambassador_tenant_status", "tenant_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id")
    member_id: int = Field(foreign_key="member.id", index=True)
    motivation: str = Field(sa_column=Column(Text, nullable=False))
    area: str = Field(sa_column=Column(String(100), nullable=False))
    hours_per_month: int
    status: str = Field(default=Status.PENDING, sa_column=Column(String(16), nullable=False))
    decided_by_id: int | None = Field(default=None, foreign_key="member.id")
    decided_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: dt.datetime = created_at_field()
