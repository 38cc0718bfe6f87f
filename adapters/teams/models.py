"""Teams' own tables: conversation references and the accounts seen in activities."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models import UTCDateTime, utcnow


class TeamsConversation(SQLModel, table=True):
    """A conversation the bot can write to: a personal chat, a group chat or a channel.

    `reference` is the Bot Framework conversation reference (JSON) that proactive
    messages continue; `member_id` is the AAD object id of a personal chat's member.
    """

    __tablename__ = "teams_conversation"
    __table_args__ = (
        UniqueConstraint("tenant_external_id", "conversation_id", name="uq_teams_conversation"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_external_id: str = Field(sa_column=Column(String(64), nullable=False))
    conversation_id: str = Field(sa_column=Column(String(400), nullable=False))
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    member_id: str | None = Field(
        default=None, sa_column=Column(String(64), nullable=True, index=True)
    )
    service_url: str = Field(sa_column=Column(String(400), nullable=False))
    reference: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    updated_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class TeamsAccount(SQLModel, table=True):
    """A person as Teams showed them: AAD object id, Teams user id, name, e-mail, UPN, locale.

    Filled from activities (sender, mentions, members added) and from the connector's
    member look-up (`GET /v3/conversations/{id}/members/{memberId}`).
    """

    __tablename__ = "teams_account"
    __table_args__ = (
        UniqueConstraint("tenant_external_id", "aad_object_id", name="uq_teams_account"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_external_id: str = Field(sa_column=Column(String(64), nullable=False))
    aad_object_id: str = Field(sa_column=Column(String(64), nullable=False))
    user_id: str = Field(sa_column=Column(String(200), nullable=False))
    name: str = Field(default="", sa_column=Column(String(200), nullable=False))
    email: str | None = Field(default=None, sa_column=Column(String(320), nullable=True))
    user_principal_name: str | None = Field(
        default=None, sa_column=Column(String(320), nullable=True)
    )
    locale: str | None = Field(default=None, sa_column=Column(String(16), nullable=True))
    timezone: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    service_url: str = Field(sa_column=Column(String(400), nullable=False))
    updated_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
