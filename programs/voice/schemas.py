"""The feedback the admin API and the CSV import accept."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, field_validator


class FeedbackIn(BaseModel):
    """One customer's answer."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    score: int = Field(ge=0, le=10, strict=False)
    comment: str | None = Field(default=None, max_length=2000)
    touchpoint: str | None = Field(default=None, max_length=100)
    team: str = Field(min_length=1, max_length=200, description="The team or department it concerns.")
    date: dt.date
    external_id: str | None = Field(default=None, min_length=1, max_length=128)

    @field_validator("comment", "touchpoint", "external_id", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value


class FeedbackResult(BaseModel):
    """What an import did: rows stored, and rows whose external id was already there."""

    created: int
    unchanged: int


class TeamScore(BaseModel):
    """Customer NPS of one team in one period."""

    team: str
    period: dt.date = Field(description="The first day of the period.")
    responses: int
    promoters: int
    passives: int
    detractors: int
    nps: float | None
