"""Schedule arithmetic: local wall-clock slots across DST, weekends and public holidays."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.broadcasts.materialise import skip_reason
from bot.broadcasts.schedule import slots_between
from bot.broadcasts.schemas import Once, Recurring
from bot.models import Member
from programs.campaigns.schemas import CampaignIn  # the lever is the campaigns program's

UTC = dt.UTC
WARSAW, NEW_YORK = ZoneInfo("Europe/Warsaw"), ZoneInfo("America/New_York")


def daily(at: str, zone: str) -> Recurring:
    hour, minute = at.split(":")
    return Recurring(kind="recurring", cron=f"{int(minute)} {int(hour)} * * *", timezone=zone)


@pytest.mark.parametrize("zone", ["Europe/Warsaw", "recipient"])
@pytest.mark.parametrize(("start", "tz"), [
    (dt.datetime(2026, 3, 27, tzinfo=UTC), WARSAW),   # spring forward 29 March
    (dt.datetime(2026, 10, 23, tzinfo=UTC), WARSAW),  # fall back 25 October
    (dt.datetime(2026, 3, 6, tzinfo=UTC), NEW_YORK),  # spring forward 8 March
    (dt.datetime(2026, 10, 30, tzinfo=UTC), NEW_YORK),  # fall back 1 November
])
def test_dst_neither_skips_nor_doubles(zone, start, tz):
    if zone != "recipient" and tz is NEW_YORK:
        zone = "America/New_York"
    for at in ("02:30", "01:30", "09:00"):
        slots = slots_between(daily(at, zone), start, start + dt.timedelta(days=5))
        local_days = [slot.due_for(tz).astimezone(tz).date() for slot in slots]
        assert len(local_days) == len(set(local_days)), (at, slots)
        assert len(set(local_days) & {start.date() + dt.timedelta(days=d) for d in range(1, 4)}) == 3


def test_recipient_zone_is_each_members_own_clock():
    schedule = daily("09:00", "recipient")
    slot = slots_between(schedule, dt.datetime(2026, 6, 1, tzinfo=UTC), dt.datetime(2026, 6, 2, tzinfo=UTC))[0]
    assert slot.due_for(WARSAW) == dt.datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
    assert slot.due_for(NEW_YORK) == dt.datetime(2026, 6, 1, 13, 0, tzinfo=UTC)
    assert slot.due_for(ZoneInfo("Asia/Tokyo")) == dt.datetime(2026, 6, 1, 0, 0, tzinfo=UTC)


def test_once_in_a_fixed_zone():
    once = Once(kind="once", at=dt.datetime(2026, 12, 1, 9, 0), timezone="Europe/Warsaw")
    window = slots_between(once, dt.datetime(2026, 12, 1, tzinfo=UTC), dt.datetime(2026, 12, 2, tzinfo=UTC))
    assert [s.instant for s in window] == [dt.datetime(2026, 12, 1, 8, 0, tzinfo=UTC)]
    assert slots_between(once, dt.datetime(2026, 12, 2, tzinfo=UTC), dt.datetime(2026, 12, 3, tzinfo=UTC)) == []


def test_weekends_and_public_holidays_are_skipped_per_recipient():
    schedule = Recurring(kind="recurring", cron="0 9 * * *", timezone="recipient", skip_weekends=True, skip_holidays=True)
    pole, ukrainian = Member(tenant_id=1, external_id="a", country="PL"), Member(tenant_id=1, external_id="b", country="UA")
    assert skip_reason(schedule, pole, dt.date(2026, 11, 11)) == "public holiday"  # Independence Day (PL)
    assert skip_reason(schedule, ukrainian, dt.date(2026, 11, 11)) is None
    assert skip_reason(schedule, pole, dt.date(2026, 11, 14)) == "weekend"
    assert skip_reason(schedule, Member(tenant_id=1, external_id="c"), dt.date(2026, 11, 12)) is None


def test_invalid_campaigns_name_the_field():
    base = {"name": "Tip", "lever": "inform", "message": {"text": "Hi"}, "audience": {"kind": "everyone"}}
    with pytest.raises(ValidationError, match=r"schedule\.recurring\.cron"):
        CampaignIn.model_validate({**base, "schedule": {"kind": "recurring", "cron": "61 * * * *", "timezone": "UTC"}})
    with pytest.raises(ValidationError, match="unknown time zone"):
        CampaignIn.model_validate({**base, "schedule": {"kind": "once", "at": "2026-12-01T09:00", "timezone": "Mars/Base"}})
    with pytest.raises(ValidationError, match="lever"):
        CampaignIn.model_validate({**base, "lever": "nudge", "schedule": {"kind": "once", "at": "2026-12-01T09:00"}})
