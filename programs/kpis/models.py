"""KPIs, their entered values and their owners' comments."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models import UTCDateTime, created_at_field


class Kpi(SQLModel, table=True):
    """A number leaders review weekly: its target, which way is better, who owns it, where it comes from."""

    __table_args__ = (UniqueConstraint("tenant_id", "name", name="uq_kpi_name"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    name: str = Field(sa_column=Column(String(100), nullable=False))
    unit: str = Field(default="", sa_column=Column(String(20), nullable=False))
    target: float
    direction: str = Field(sa_column=Column(String(8), nullable=False))  # higher | lower
    owner_id: int | None = Field(default=None, foreign_key="member.id")
    source: str = Field(sa_column=Column(String(32), nullable=False))  # entered, or a computed kind
    position: int = 0
    created_at: dt.datetime = created_at_field()


class KpiValue(SQLModel, table=True):
    """An entered value for one period (its first day)."""

    __tablename__ = "kpi_value"
    __table_args__ = (UniqueConstraint("kpi_id", "period", name="uq_kpi_value_period"),)

    id: int | None = Field(default=None, primary_key=True)
    kpi_id: int = Field(foreign_key="kpi.id", index=True)
    period: dt.date
    value: float
    recorded_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class KpiComment(SQLModel, table=True):
    """The owner's one-line explanation, for the next digest."""

    __tablename__ = "kpi_comment"

    id: int | None = Field(default=None, primary_key=True)
    kpi_id: int = Field(foreign_key="kpi.id", index=True)
    comment: str = Field(sa_column=Column(Text, nullable=False))
    created_at: dt.datetime = created_at_field()
