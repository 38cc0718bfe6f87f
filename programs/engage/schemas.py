"""What HR sends to create a survey, and what the API answers with."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, Field, model_validator

from bot.api.fields import NoNul
from bot.broadcasts.schemas import Audience, Schedule, Strict
from programs.engage.templates import CHOICE, CX_AUDIT, CX_PULSE, ENPS


class QuestionIn(Strict):
    """One question HR wrote; `choices` only (and at least two) for `choice`."""

    kind: Literal["scale_0_10", "likert_1_5", "choice", "text"]
    text: NoNul = Field(min_length=1, max_length=300)
    choices: list[NoNul] = Field(default_factory=list, max_length=20)
    optional: bool = False

    @model_validator(mode="after")
    def _choices_fit_the_kind(self) -> Self:
        if self.kind == CHOICE and len(self.choices) < 2:
            raise ValueError("a choice question needs at least two choices")
        if self.kind != CHOICE and self.choices:
            raise ValueError("only choice questions have choices")
        if any(not choice.strip() or len(choice) > 75 for choice in self.choices):
            raise ValueError("each choice is 1 to 75 characters")
        return self


class RemindersIn(Strict):
    """Reminders to members who have not answered yet (never after the round closes)."""

    count: int = Field(ge=0, le=5)
    every_hours: int = Field(ge=1, le=24 * 14)


class SurveyIn(Strict):
    """`POST /api/v1/surveys`: a template or own questions (not both), audience, schedule, window."""

    name: NoNul = Field(min_length=1, max_length=200)
    template: Literal["enps", "cx_pulse", "cx_audit"] | None = None
    questions: list[QuestionIn] | None = Field(None, min_length=1, max_length=40)
    anonymous: bool = True
    audience: Audience
    schedule: Schedule
    window_hours: int = Field(ge=1, le=24 * 60)
    reminders: RemindersIn | None = None
    owner: NoNul | None = Field(None, min_length=1, max_length=64)

    @model_validator(mode="after")
    def _template_or_questions(self) -> Self:
        if (self.template is None) == (self.questions is None):
            raise ValueError("give either a template or questions")
        if self.audience.kind == "channel":
            raise ValueError("a survey goes to people, not to a channel; use everyone, members or segment")
        return self


TEMPLATES = (ENPS, CX_PULSE, CX_AUDIT)


class SurveyOut(BaseModel):
    """A survey as the API shows it."""

    id: int
    name: str
    template: str | None
    anonymous: bool
    questions: list[dict[str, object]]
    window_hours: int
    reminders: RemindersIn
    active: bool
    latest_round_id: int | None = None


class SendNowOut(BaseModel):
    """The round `send-now` opened."""

    round_id: int


class RoundOut(BaseModel):
    """A round's progress: how many were invited and how many answered."""

    id: int
    survey_id: int
    opened_at: str
    closes_at: str
    closed_at: str | None
    invited: int
    responded: int
    participation: float | None
