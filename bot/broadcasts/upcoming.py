"""When a broadcast will next reach a member: its next sends in their own time zone, skips applied."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.broadcasts.audience import Roles, resolve_members
from bot.broadcasts.materialise import AUDIENCE, SCHEDULE, skip_reason
from bot.broadcasts.models import Broadcast
from bot.broadcasts.schedule import slots_between
from bot.broadcasts.schemas import Once
from bot.context import zone_of
from bot.models import Member, Tenant

HORIZON = dt.timedelta(days=400)  # recurring slots looked at (a cron's slots are capped by MAX_SLOTS too)
ONCE_HORIZON = dt.timedelta(days=100 * 366)


def next_sends(
    broadcast: Broadcast, tenant: Tenant, member: Member, now: dt.datetime, count: int = 5
) -> list[dt.datetime]:
    """The next `count` times (in the member's zone) the broadcast reaches `member`, weekends and holidays skipped."""
    schedule = SCHEDULE.validate_python(broadcast.schedule)
    zone = zone_of(member, tenant)
    found: list[dt.datetime] = []
    horizon = ONCE_HORIZON if isinstance(schedule, Once) else HORIZON
    for slot in slots_between(schedule, now, now + horizon):
        due = slot.due_for(zone)
        if due < now or skip_reason(schedule, member, slot.local_date_for(zone)):
            continue
        found.append(due.astimezone(zone))
        if len(found) == count:
            break
    return found


async def audience_and_samples(
    session: AsyncSession, broadcast: Broadcast, tenant: Tenant, now: dt.datetime, roles: Roles, samples: int = 3
) -> tuple[int, Sequence[Member]]:
    """How many members the broadcast reaches today, and up to `samples` of them in different time zones."""
    assert tenant.id is not None
    members = await resolve_members(session, tenant.id, AUDIENCE.validate_python(broadcast.audience), now, roles)
    picked: dict[str, Member] = {}
    for member in members:
        picked.setdefault(str(zone_of(member, tenant)), member)
        if len(picked) == samples:
            break
    return len(members), list(picked.values())
