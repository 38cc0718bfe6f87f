"""Customer stories and their review."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Column, Index, String, Text
from sqlmodel import Field, SQLModel

from bot.models import UTCDateTime, created_at_field


class StoryStatus(StrEnum):
    """Where a story is in review."""

    PENDING = "pending"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"  # and published
    DECLINED = "declined"


class Story(SQLModel, table=True):
    """A customer story: what happened, what was done, the outcome and the value it shows."""

    __table_args__ = (Index("ix_story_tenant_status", "tenant_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id")
    author_id: int = Field(foreign_key="member.id", index=True)
    title: str = Field(sa_column=Column(String(150), nullable=False))
    situation: str = Field(sa_column=Column(Text, nullable=False))
    action: str = Field(sa_column=Column(Text, nullable=False))
    outcome: str = Field(sa_column=Column(Text, nullable=False))
    value: str = Field(sa_column=Column(String(40), nullable=False))
    customer: str | None = Field(default=None, sa_column=Column(String(150), nullable=True))
    customer_consent: bool = False
    status: str = Field(default=StoryStatus.PENDING, sa_column=Column(String(20), nullable=False))
    reviewer_id: int | None = Field(default=None, foreign_key="member.id")
    decided_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: dt.datetime = created_at_field()
