"""Kudos tables: the values a tenant recognises, and one row per (giver, receiver) kudos."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models import created_at_field

DEFAULT_VALUES = ("customer-first", "ownership", "empathy", "going-beyond")


class KudosValue(SQLModel, table=True):
    """A company value kudos can be tagged with (`#customer-first`)."""

    __tablename__ = "kudos_value"
    __table_args__ = (UniqueConstraint("tenant_id", "slug", name="uq_kudos_value_slug"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    slug: str = Field(sa_column=Column(String(40), nullable=False))
    position: int = 0
    active: bool = True


class Kudos(SQLModel, table=True):
    """One recognition from a giver to a receiver; a `/kudos` to three people is three rows.

    `gift_key` groups the rows of one act of giving; `source_ref` identifies the
    message a reaction kudos points at, so one reaction gives once.
    """

    __table_args__ = (
        UniqueConstraint("giver_id", "receiver_id", "source_ref", name="uq_kudos_reaction"),
        Index("ix_kudos_giver_day", "tenant_id", "giver_id", "given_on"),
        Index("ix_kudos_receiver_created", "tenant_id", "receiver_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id")
    gift_key: str = Field(sa_column=Column(String(64), nullable=False, index=True))
    giver_id: int = Field(foreign_key="member.id")
    receiver_id: int = Field(foreign_key="member.id")
    message: str = Field(sa_column=Column(Text, nullable=False))
    channel_id: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    source: str = Field(sa_column=Column(String(16), nullable=False))
    source_ref: str | None = Field(default=None, sa_column=Column(String(128), nullable=True))
    given_on: dt.date
    created_at: dt.datetime = created_at_field()


class KudosTag(SQLModel, table=True):
    """A value a kudos was tagged with."""

    __tablename__ = "kudos_tag"

    kudos_id: int = Field(foreign_key="kudos.id", primary_key=True, ondelete="CASCADE")
    value_id: int = Field(foreign_key="kudos_value.id", primary_key=True)
