"""The week a digest covers: the seven local days up to and including the day it is sent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Window:
    """Local days `first`…`last` (inclusive) and the instants they span, in the tenant's zone."""

    first: dt.date
    last: dt.date
    start: dt.datetime
    end: dt.datetime

    def before(self) -> Window:
        """The seven days before this window (for trends)."""
        return week_ending(self.first - dt.timedelta(days=1), self.start.tzinfo)  # type: ignore[arg-type]


def week_ending(last: dt.date, zone: ZoneInfo) -> Window:
    """The seven local days ending on `last`."""
    first = last - dt.timedelta(days=6)
    start = dt.datetime.combine(first, dt.time(), zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), zone)
    return Window(first, last, start, end)


def week_to(now: dt.datetime, zone: ZoneInfo) -> Window:
    """The seven local days ending with `now`'s local day."""
    return week_ending(now.astimezone(zone).date(), zone)
