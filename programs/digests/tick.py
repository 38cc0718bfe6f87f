"""The scheduler's weekly digests: each kind once a week, at its local day and time."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from bot.models import Tenant
from programs.digests.run import DIGESTS, send_digest, tenant_zone


def due_period(kind: str, tenant: Tenant, now: dt.datetime) -> str | None:
    """`week:YYYY-Www` when `kind` is due for `tenant` at `now` (its day, at or after its time), else None."""
    digest, local = DIGESTS[kind], now.astimezone(tenant_zone(tenant))
    if local.weekday() != digest.weekday or local.time() < digest.at:
        return None
    year, week, _ = local.isocalendar()
    return f"week:{year}-W{week:02d}"


async def digests_tick(session: AsyncSession, now: dt.datetime) -> int:
    """Send every digest that is due and not yet sent this week; returns how many messages were queued."""
    queued = 0
    for tenant in (await session.execute(select(Tenant))).scalars().all():
        for kind in DIGESTS:
            period = due_period(kind, tenant, now)
            if period is not None:
                queued += await send_digest(session, tenant, kind, now=now, period=period) or 0
    return queued
