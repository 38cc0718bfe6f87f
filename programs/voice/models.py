"""Customer feedback: one score (0–10) with an optional comment, for one team."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models import created_at_field


class Feedback(SQLModel, table=True):
    """A customer's answer; `external_id` (the source system's id) makes re-imports change nothing."""

    __table_args__ = (
        UniqueConstraint("tenant_id", "external_id", name="uq_feedback_external_id"),
        Index("ix_feedback_tenant_team_date", "tenant_id", "team", "received_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id")
    score: int
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    touchpoint: str | None = Field(default=None, sa_column=Column(String(100), nullable=True))
    team: str = Field(sa_column=Column(String(200), nullable=False))
    received_on: dt.date
    external_id: str | None = Field(default=None, sa_column=Column(String(128), nullable=True))
    created_at: dt.datetime = created_at_field()
