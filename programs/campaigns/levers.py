"""The levers a campaign serves (Temkin's five); HR picks one per campaign."""

from __future__ import annotations

from enum import StrEnum


class Lever(StrEnum):
    """Temkin's five levers."""

    INFORM = "inform"
    INSPIRE = "inspire"
    INSTRUCT = "instruct"
    ENGAGE = "engage"
    REWARD = "reward"
