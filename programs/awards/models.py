"""Award cycles, their categories, nominations and votes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models import UTCDateTime, created_at_field


class AwardCycle(SQLModel, table=True):
    """E.g. "CX Awards 2026": a nomination window, then a voting window, then the announcement."""

    __tablename__ = "award_cycle"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    name: str = Field(sa_column=Column(String(200), nullable=False))
    timezone: str = Field(sa_column=Column(String(64), nullable=False))
    nominations_open: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    nominations_close: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    voting_open: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    voting_close: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    announced_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    created_at: dt.datetime = created_at_field()


class AwardCategory(SQLModel, table=True):
    """One award of a cycle (a company value, or "Customer hero")."""

    __tablename__ = "award_category"
    __table_args__ = (UniqueConstraint("cycle_id", "name", name="uq_award_category_name"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="award_cycle.id", index=True)
    name: str = Field(sa_column=Column(String(100), nullable=False))
    position: int = 0


class Nomination(SQLModel, table=True):
    """A member nominating a colleague in a category, with a reason."""

    __table_args__ = (UniqueConstraint("category_id", "nominee_id", "nominator_id", name="uq_nomination"),)

    id: int | None = Field(default=None, primary_key=True)
    category_id: int = Field(foreign_key="award_category.id", index=True)
    nominee_id: int = Field(foreign_key="member.id")
    nominator_id: int = Field(foreign_key="member.id")
    reason: str = Field(sa_column=Column(Text, nullable=False))
    created_at: dt.datetime = created_at_field()


class Vote(SQLModel, table=True):
    """A member's one vote in a category (changeable until voting closes)."""

    __table_args__ = (UniqueConstraint("category_id", "voter_id", name="uq_vote_voter"),)

    id: int | None = Field(default=None, primary_key=True)
    category_id: int = Field(foreign_key="award_category.id", index=True)
    voter_id: int = Field(foreign_key="member.id")
    nominee_id: int = Field(foreign_key="member.id")
    updated_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
