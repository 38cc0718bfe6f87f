"""What HR sends to create or change a training track, and what the API returns."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

from bot.api.fields import NoNul, PlatformId
from programs.instruct.cadence import parse_send_time


class Strict(BaseModel):
    """Unknown fields are an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


def _valid_time(value: str | None) -> str | None:
    if value is not None:
        parse_send_time(value)
    return value


class QuizIn(Strict):
    """A one-question quiz: 2–5 options (button labels), the correct one by index."""

    question: NoNul = Field(min_length=1, max_length=500)
    options: list[NoNul] = Field(min_length=2, max_length=5)
    correct: int = Field(ge=0, le=4)
    explanation: NoNul = Field("", max_length=1000)

    @field_validator("options")
    @classmethod
    def _labels(cls, options: list[str]) -> list[str]:
        if any(not option.strip() or len(option) > 75 for option in options):
            raise ValueError("each option must be 1 to 75 characters (it is a button label)")
        return options

    @model_validator(mode="after")
    def _correct_in_range(self) -> Self:
        if self.correct >= len(self.options):
            raise ValueError("correct must be the index of one of the options")
        return self


class LessonIn(Strict):
    """One micro-lesson."""

    title: NoNul = Field(min_length=1, max_length=150)
    text: NoNul = Field(min_length=1, max_length=2500)
    link: HttpUrl | None = None
    quiz: QuizIn | None = None


class TrackIn(Strict):
    """`POST /api/v1/tracks`: a track in one language with its lessons, in order."""

    name: NoNul = Field(min_length=1, max_length=200)
    locale: Literal["en", "pl", "uk"] = "en"
    onboarding: bool = False
    cadence_days: int = Field(1, ge=1, le=90)
    send_time: NoNul = Field("10:00", max_length=16)
    skip_weekends: bool = True
    lessons: list[LessonIn] = Field(min_length=1, max_length=100)

    _time = field_validator("send_time")(_valid_time)


class TrackPatch(Strict):
    """`PATCH /api/v1/tracks/{id}`: any subset of the settings (lessons are fixed once created)."""

    name: NoNul | None = Field(None, min_length=1, max_length=200)
    onboarding: bool | None = None
    cadence_days: int | None = Field(None, ge=1, le=90)
    send_time: NoNul | None = Field(None, max_length=16)
    skip_weekends: bool | None = None
    active: bool | None = None

    _time = field_validator("send_time")(_valid_time)


class EnrollIn(Strict):
    """`POST /api/v1/tracks/{id}/enroll`: members by platform id."""

    members: list[PlatformId] = Field(min_length=1, max_length=50_000)


class LessonOut(BaseModel):
    """A lesson as the API shows it."""

    id: int
    position: int
    title: str
    text: str
    link: str | None
    quiz: QuizIn | None


class Counts(BaseModel):
    """Per-member progress, counted over the track's enrolments."""

    enrolled: int = 0
    completed: int = 0
    delivered: int = 0
    acknowledged: int = 0
    answered: int = 0
    correct: int = 0


class MemberProgress(BaseModel):
    """One member's progress through a track."""

    member: str
    next_position: int
    completed: bool
    delivered: int
    acknowledged: int
    answered: int
    correct: int


class TrackOut(BaseModel):
    """A track with its lessons and progress counts."""

    id: int
    name: str
    locale: str
    onboarding: bool
    cadence_days: int
    send_time: str
    skip_weekends: bool
    active: bool
    lessons: list[LessonOut]
    progress: Counts
    members: list[MemberProgress] | None = None
