"""Survey tables.

Participation (who was invited, who answered) and responses (what was answered)
never share a key, a timestamp or a transaction: an anonymous answer waits,
encrypted, in `survey_pool` until a separate flush writes a shuffled batch of
responses with random keys (see `programs.engage.pool`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models import UTCDateTime, created_at_field

# SQLite: a table WITHOUT ROWID is stored in its primary key's order; the key is random,
# so neither rowid nor page order says which response was written first.
NO_ROWID = {"sqlite_with_rowid": False}


class Survey(SQLModel, table=True):
    """Questions + audience + schedule + answer window + reminders."""

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    name: str = Field(sa_column=Column(String(200), nullable=False))
    template: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    questions: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    anonymous: bool = True
    audience: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    schedule: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    window_hours: int = 72
    reminder_count: int = 0
    reminder_every_hours: int = 24
    owner: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    active: bool = True
    created_at: dt.datetime = created_at_field()


class SurveyRound(SQLModel, table=True):
    """One firing of a survey: invitations go out, answers come in until `closes_at`."""

    __tablename__ = "survey_round"
    __table_args__ = (UniqueConstraint("survey_id", "slot", name="uq_survey_round_slot"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    slot: str = Field(sa_column=Column(String(64), nullable=False))
    opened_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    closes_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    closed_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    invited: int = 0


class Participation(SQLModel, table=True):
    """A member invited to a round, and whether they answered (never what, never when)."""

    __tablename__ = "survey_participation"
    __table_args__ = (
        UniqueConstraint("round_id", "member_id", name="uq_participation_member"),
        Index("ix_participation_reminder", "responded", "next_reminder_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="survey_round.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    invited_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    responded: bool = False
    reminders_sent: int = 0
    next_reminder_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class PooledAnswer(SQLModel, table=True):
    """An anonymous answer waiting to be written in a shuffled batch; `sealed` is encrypted."""

    __tablename__ = "survey_pool"
    __table_args__ = (NO_ROWID,)

    id: str = Field(sa_column=Column(String(32), primary_key=True))
    round_id: int = Field(foreign_key="survey_round.id", index=True)
    sealed: str = Field(sa_column=Column(Text, nullable=False))


class SurveyResponse(SQLModel, table=True):
    """What one respondent answered: the round, their segment then, the answers — no member, no time.

    `member_id` is set only for attributed (non-anonymous) surveys.
    """

    __tablename__ = "survey_response"
    __table_args__ = (NO_ROWID,)

    id: str = Field(sa_column=Column(String(32), primary_key=True))
    round_id: int = Field(foreign_key="survey_round.id", index=True)
    department: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    location: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    country: str | None = Field(default=None, sa_column=Column(String(8), nullable=True))
    answers: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)


class SurveyTally(SQLModel, table=True):
    """Running counts behind results: per round, question, segment and answer value.

    Kept in step with `survey_response` by the transaction that writes responses
    (the pool flush, an attributed answer), so results never scan the responses.
    `question` "" counts respondents; attributes not set are "" (not NULL, so the
    key is unique on both databases).
    """

    __tablename__ = "survey_tally"
    __table_args__ = (
        UniqueConstraint("round_id", "question", "department", "location", "country", "value",
                         name="uq_survey_tally_cell"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="survey_round.id")
    question: str = Field(sa_column=Column(String(64), nullable=False))
    department: str = Field(default="", sa_column=Column(String(200), nullable=False))
    location: str = Field(default="", sa_column=Column(String(200), nullable=False))
    country: str = Field(default="", sa_column=Column(String(8), nullable=False))
    value: int = 0
    count: int = 0
