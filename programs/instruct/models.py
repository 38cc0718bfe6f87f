"""Training tracks, their lessons, enrolments and per-member progress."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models import UTCDateTime, created_at_field


class Track(SQLModel, table=True):
    """An ordered series of micro-lessons sent on a cadence."""

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    name: str = Field(sa_column=Column(String(200), nullable=False))
    locale: str = Field(default="en", sa_column=Column(String(8), nullable=False))
    onboarding: bool = False
    cadence_days: int = 1
    send_time: str = Field(default="10:00", sa_column=Column(String(5), nullable=False))
    skip_weekends: bool = True
    active: bool = True
    starter_key: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    created_at: dt.datetime = created_at_field()


class Lesson(SQLModel, table=True):
    """One micro-lesson: text, an optional link, an optional one-question quiz."""

    __table_args__ = (UniqueConstraint("track_id", "position", name="uq_lesson_position"),)

    id: int | None = Field(default=None, primary_key=True)
    track_id: int = Field(foreign_key="track.id", index=True)
    position: int
    title: str = Field(sa_column=Column(String(200), nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    link: str | None = Field(default=None, sa_column=Column(String(500), nullable=True))
    quiz: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class Enrollment(SQLModel, table=True):
    """A member following a track; `next_position` is the next lesson to send."""

    __table_args__ = (UniqueConstraint("track_id", "member_id", name="uq_enrollment"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    track_id: int = Field(foreign_key="track.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    next_position: int = 1
    completed_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    created_at: dt.datetime = created_at_field()


class LessonProgress(SQLModel, table=True):
    """What happened to one lesson for one member."""

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("enrollment_id", "lesson_id", name="uq_lesson_progress"),)

    id: int | None = Field(default=None, primary_key=True)
    enrollment_id: int = Field(foreign_key="enrollment.id", index=True)
    lesson_id: int = Field(foreign_key="lesson.id")
    delivered_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    acknowledged_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    quiz_answer: int | None = None
    quiz_correct: bool | None = None
