"""One row per digest sent: a weekly digest is claimed once per tenant and week."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models import created_at_field


class DigestRun(SQLModel, table=True):
    """A digest that was built; `period` is `week:2026-W49` (scheduled) or `now:<timestamp>` (send-now)."""

    __tablename__ = "digest_run"
    __table_args__ = (UniqueConstraint("tenant_id", "kind", "period", name="uq_digest_run"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id")
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    period: str = Field(sa_column=Column(String(40), nullable=False))
    created_at: dt.datetime = created_at_field()
