"""The per-tenant programme settings table."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Column, String
from sqlmodel import Field, SQLModel

from bot.models import UTCDateTime, utcnow


class ProgrammeSettings(SQLModel, table=True):
    """One row per tenant; a missing row means nothing is configured."""

    __tablename__ = "programme_settings"

    tenant_id: int = Field(foreign_key="tenant.id", primary_key=True)
    review_channel: str | None = Field(default=None, sa_column=Column(String(128), nullable=True))
    reviewers: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    stories_channels: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    announcement_channel: str | None = Field(default=None, sa_column=Column(String(128), nullable=True))
    leadership_channel: str | None = Field(default=None, sa_column=Column(String(128), nullable=True))
    team_channels: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    """Team (as customer feedback names it) → the channel its weekly customer card goes to."""
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
