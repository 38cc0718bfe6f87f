"""Console tables: who may sign in (per tenant, with a role), one-time links, and the audit log."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models import UTCDateTime, created_at_field


class ConsoleRole(StrEnum):
    """What a console user may do in their tenant."""

    ADMIN = "admin"  # everything
    ANALYST = "analyst"  # reads results, never members' identities
    REVIEWER = "reviewer"  # the review queues programs offer


class ConsoleUser(SQLModel, table=True):
    """A person allowed into one tenant's console, found by e-mail; tied to a member where one matches."""

    __tablename__ = "console_user"
    __table_args__ = (UniqueConstraint("tenant_id", "email", name="uq_console_user_email"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    email: str = Field(sa_column=Column(String(320), nullable=False))
    role: str = Field(sa_column=Column(String(16), nullable=False))
    member_id: int | None = Field(default=None, foreign_key="member.id")
    locale: str | None = Field(default=None, sa_column=Column(String(8), nullable=True))
    created_at: dt.datetime = created_at_field()
    last_login_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class LoginLink(SQLModel, table=True):
    """A one-time sign-in link: only the SHA-256 of its token is stored."""

    __tablename__ = "console_login_link"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="console_user.id", index=True)
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    expires_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    used_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    created_at: dt.datetime = created_at_field()


class AuditEntry(SQLModel, table=True):
    """One change made in the console: who, what, when."""

    __tablename__ = "console_audit"
    __table_args__ = (Index("ix_console_audit_tenant_time", "tenant_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id")
    actor: str = Field(sa_column=Column(String(320), nullable=False))
    action: str = Field(sa_column=Column(String(64), nullable=False))
    target: str = Field(default="", sa_column=Column(String(200), nullable=False))
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: dt.datetime = created_at_field()


class ConsoleSession(SQLModel, table=True):
    """A signed-in browser: the cookie carries a random id whose SHA-256 is kept here.

    Deleting the row (sign-out, an admin's revoke, a removed user or changed role)
    ends the session everywhere, whatever copy of the cookie exists.
    """

    __tablename__ = "console_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    user_id: int = Field(foreign_key="console_user.id", index=True)
    tenant_id: int = Field(foreign_key="tenant.id")
    user_agent: str = Field(default="", sa_column=Column(String(200), nullable=False))
    created_at: dt.datetime = created_at_field()
    last_seen_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
