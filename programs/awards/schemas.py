"""What `POST /api/v1/awards` accepts and what the awards API answers."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.api.fields import NoNul
from bot.broadcasts.schemas import check_zone


class Period(BaseModel):
    """A window in the cycle's local time: open from `opens`, closed from `closes`."""

    model_config = ConfigDict(extra="forbid")

    opens: dt.datetime
    closes: dt.datetime

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.opens.tzinfo is not None or self.closes.tzinfo is not None:
            raise ValueError("give local times without an offset; the cycle's timezone applies")
        if self.closes <= self.opens:
            raise ValueError("closes must be after opens")
        return self


class AwardIn(BaseModel):
    """An award cycle; categories default to one per company value plus "Customer hero"."""

    model_config = ConfigDict(extra="forbid")

    name: NoNul = Field(min_length=1, max_length=200)
    timezone: str = Field(default="UTC", max_length=64)
    nominations: Period
    voting: Period
    categories: list[NoNul] | None = Field(default=None, min_length=1, max_length=20)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        if value == "recipient":
            raise ValueError("a cycle needs one IANA time zone")
        return check_zone(value)

    @field_validator("categories")
    @classmethod
    def _names(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        names = [name.strip() for name in value]
        if any(not name or len(name) > 100 for name in names) or len(set(names)) != len(names):
            raise ValueError("categories must be distinct names of 1 to 100 characters")
        return names

    @model_validator(mode="after")
    def _voting_after_nominations(self) -> AwardIn:
        if self.voting.opens < self.nominations.closes:
            raise ValueError("voting must open after nominations close")
        return self


class CategoryOut(BaseModel):
    """A category of a cycle."""

    id: int
    name: str


class AwardOut(BaseModel):
    """A cycle, its windows (UTC) and categories."""

    id: int
    name: str
    timezone: str
    nominations_open: dt.datetime
    nominations_close: dt.datetime
    voting_open: dt.datetime
    voting_close: dt.datetime
    announced_at: dt.datetime | None
    categories: list[CategoryOut]


class Standing(BaseModel):
    """A nominee's votes in a category."""

    member: str
    name: str
    votes: int


class CategoryResult(BaseModel):
    """A category's standings (most votes first) and its winners (ties share)."""

    category: str
    winners: list[str]
    standings: list[Standing]
