"""When lessons are due: every N days at a wall-clock time in the member's own zone.

Pure functions over aware datetimes. A send day that falls on a weekend moves to
the following Monday when the track skips weekends. The wall-clock time is placed
in the member's zone with `wall_clock_to_utc`, so DST changes neither skip nor
double a lesson.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.broadcasts.schedule import wall_clock_to_utc

SATURDAY = 5


def parse_send_time(value: str) -> dt.time:
    """`HH:MM` (24-hour) as a time; ValueError when malformed."""
    hours, _, minutes = value.partition(":")
    if len(hours) != 2 or len(minutes) != 2 or not (hours + minutes).isdigit():
        raise ValueError(f"send time must look like 09:30, not {value!r}")
    return dt.time(int(hours), int(minutes))


def _working_day(day: dt.date, skip_weekends: bool) -> dt.date:
    while skip_weekends and day.weekday() >= SATURDAY:
        day += dt.timedelta(days=1)
    return day


def _at(day: dt.date, send_time: str, zone: ZoneInfo) -> dt.datetime:
    return wall_clock_to_utc(dt.datetime.combine(day, parse_send_time(send_time)), zone)


def first_send_at(now: dt.datetime, zone: ZoneInfo, *, send_time: str, skip_weekends: bool) -> dt.datetime:
    """The next send time strictly after `now` (UTC): today's, if still ahead, else a later day's.

    Args:
        now: the moment of enrolment (aware).
        zone: the member's time zone.
        send_time: `HH:MM`, wall-clock in `zone`.
        skip_weekends: move Saturday and Sunday sends to Monday.
    """
    day = _working_day(now.astimezone(zone).date(), skip_weekends)
    candidate = _at(day, send_time, zone)
    if candidate <= now:
        candidate = _at(_working_day(day + dt.timedelta(days=1), skip_weekends), send_time, zone)
    return candidate


def next_send_at(
    due: dt.datetime, now: dt.datetime, zone: ZoneInfo, *, cadence_days: int, send_time: str, skip_weekends: bool
) -> dt.datetime:
    """When the lesson after one due at `due` (and sent at `now`) is due (UTC).

    Counted from the later of the two, so after downtime a member gets one lesson
    now and the next one a full cadence later, not a burst of the missed ones.
    """
    anchor = max(due, now).astimezone(zone).date()
    day = _working_day(anchor + dt.timedelta(days=max(cadence_days, 1)), skip_weekends)
    return _at(day, send_time, zone)
