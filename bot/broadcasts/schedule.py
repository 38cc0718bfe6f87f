"""Pure schedule arithmetic: which slots fire when, and when each recipient's is due.

A slot in a fixed zone is an instant. A slot in "each recipient's own time zone"
is a wall-clock date-time: it is computed with floating (zone-less) cron
arithmetic, and each recipient's delivery is due when their own clock shows it.
On a DST change the wall-clock slot exists once per day, so a send is neither
skipped nor doubled; a time that does not exist (02:30 on spring-forward day)
is sent at the same offset after the gap, a repeated time (fall-back) at its
first occurrence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.broadcasts.schemas import RECIPIENT, Once, Recurring

UTC = dt.UTC
FLOATING = ZoneInfo("UTC")  # cron over local wall-clock times, before any real zone applies
MAX_SLOTS = 1000


@dataclass(frozen=True)
class Slot:
    """One firing: `key` is unique per broadcast; `local` is set for recipient-zone slots."""

    key: str
    instant: dt.datetime | None = None
    local: dt.datetime | None = None

    def due_for(self, zone: ZoneInfo) -> dt.datetime:
        """When a recipient in `zone` should get this slot (UTC)."""
        if self.instant is not None:
            return self.instant
        assert self.local is not None
        return wall_clock_to_utc(self.local, zone)

    def local_date_for(self, zone: ZoneInfo) -> dt.date:
        """The recipient's local date of this slot (weekends, holidays)."""
        if self.local is not None:
            return self.local.date()
        assert self.instant is not None
        return self.instant.astimezone(zone).date()


def wall_clock_to_utc(local: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """A naive wall-clock time in `zone` as UTC (fold=0; gaps are shifted forward)."""
    return local.replace(tzinfo=zone, fold=0).astimezone(UTC)


def earliest_and_latest(local: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The first and last UTC instants at which some zone's clock shows `local`."""
    naive_utc = local.replace(tzinfo=UTC)
    return naive_utc - dt.timedelta(hours=14), naive_utc + dt.timedelta(hours=12)


@cache
def _floating_trigger(cron: str) -> CronTrigger:
    return CronTrigger.from_crontab(cron, timezone=FLOATING)


def slots_between(schedule: Once | Recurring, start: dt.datetime, end: dt.datetime) -> list[Slot]:
    """Slots that some recipient is due in, in [start, end) (UTC instants).

    Recurring schedules are evaluated on wall-clock time (floating cron) and only
    then placed in a zone, so each local slot exists exactly once across DST.
    """
    if isinstance(schedule, Once):
        return [slot for slot in [_once_slot(schedule)] if _in_window(slot, start, end)]
    locals_ = _wall_clock_slots(schedule.cron, start - dt.timedelta(hours=12), end + dt.timedelta(hours=14))
    if schedule.timezone == RECIPIENT:
        slots = [Slot(key=local.strftime("%Y-%m-%dT%H:%M"), local=local) for local in locals_]
        return [slot for slot in slots if _in_window(slot, start, end)]
    zone = ZoneInfo(schedule.timezone)
    placed = [Slot(key=local.strftime("%Y-%m-%dT%H:%M"), instant=wall_clock_to_utc(local, zone)) for local in locals_]
    return [slot for slot in placed if slot.instant is not None and start <= slot.instant < end]


def _wall_clock_slots(cron: str, lower: dt.datetime, upper: dt.datetime) -> list[dt.datetime]:
    trigger = _floating_trigger(cron)
    floor, ceiling = lower.replace(tzinfo=FLOATING), upper.replace(tzinfo=FLOATING)
    found: list[dt.datetime] = []
    fire = trigger.get_next_fire_time(None, floor)
    while fire is not None and fire < ceiling and len(found) < MAX_SLOTS:
        found.append(fire.replace(tzinfo=None))
        fire = trigger.get_next_fire_time(fire, fire + dt.timedelta(seconds=1))
    return found


def _once_slot(schedule: Once) -> Slot:
    if schedule.timezone == RECIPIENT:
        local = schedule.at.replace(tzinfo=None, second=0, microsecond=0)
        return Slot(key=local.strftime("%Y-%m-%dT%H:%M"), local=local)
    at = schedule.at
    instant = at.astimezone(UTC) if at.tzinfo else wall_clock_to_utc(at, ZoneInfo(schedule.timezone))
    return Slot(key=instant.strftime("%Y-%m-%dT%H:%MZ"), instant=instant)


def _in_window(slot: Slot, start: dt.datetime, end: dt.datetime) -> bool:
    if slot.instant is not None:
        return start <= slot.instant < end
    assert slot.local is not None
    earliest, latest = earliest_and_latest(slot.local)
    return earliest < end and latest >= start
