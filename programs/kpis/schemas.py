"""What the KPI API accepts and answers."""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.api.fields import NoNul

Source = Literal["entered", "kudos_per_active_member", "active_ambassadors", "stories_published", "customer_nps",
                 "enps", "survey_participation"]


class KpiIn(BaseModel):
    """A KPI: `source` is `entered` (values via PUT …/values) or one Fivefold computes."""

    model_config = ConfigDict(extra="forbid")

    name: NoNul = Field(min_length=1, max_length=100)
    unit: NoNul = Field(default="", max_length=20)
    target: float
    direction: Literal["higher", "lower"] = Field(description="Which way is better.")
    owner: NoNul | None = Field(default=None, min_length=1, max_length=64, description="The owner's platform id.")
    source: Source = "entered"

    @field_validator("target")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("target must be a finite number")
        return value


class ValueIn(BaseModel):
    """An entered value for a period (its first day)."""

    model_config = ConfigDict(extra="forbid")

    period: dt.date
    value: float

    @field_validator("value")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("value must be a finite number")
        return value


class KpiOut(BaseModel):
    """A KPI with its latest value against target and its trend."""

    id: int
    name: str
    unit: str
    target: float
    direction: str
    owner: str | None
    source: str
    latest: float | None
    previous: float | None
    period: dt.date | None = Field(description="The latest entered value's period (computed: None).")
    status: str
    trend: str | None
    comment: str | None = Field(description="The owner's comment of the last seven days, if any.")
