"""A KPI's value against its target: met, close (within 5 % of the target) or missed."""

from __future__ import annotations

from enum import StrEnum

CLOSE = 0.05


class Status(StrEnum):
    """Where a value stands against its target."""

    MET = "met"
    CLOSE = "close"
    MISSED = "missed"
    NO_DATA = "no_data"


def status_of(value: float | None, target: float, higher_is_better: bool) -> Status:
    """Met when on the right side of the target (or on it); close when short by at most 5 % of the target."""
    if value is None:
        return Status.NO_DATA
    shortfall = (target - value) if higher_is_better else (value - target)
    if shortfall <= 0:
        return Status.MET
    if shortfall <= CLOSE * abs(target):
        return Status.CLOSE
    return Status.MISSED


def trend_of(latest: float | None, previous: float | None) -> str | None:
    """`up`, `down` or `flat` against the previous period; None without both values."""
    if latest is None or previous is None:
        return None
    return "up" if latest > previous else "down" if latest < previous else "flat"
