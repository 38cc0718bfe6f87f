"""Building and queueing a digest: claimed once per tenant, kind and period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import dialect_of, upsert_insert
from bot.models import Tenant
from bot.outbox import Outgoing, enqueue_all
from programs.digests.models import DigestRun
from programs.digests.thanks import thanks_digest
from programs.digests.window import Window, week_to
from programs.kpis.digest import ask_owners, kpi_digest
from programs.voice.digest import customers_digest

Builder = Callable[[AsyncSession, Tenant, Window, str], Awaitable[list[Outgoing]]]


@dataclass(frozen=True)
class Digest:
    """A digest kind: when it goes out each week (tenant's zone) and what builds it."""

    weekday: int  # Monday is 0
    at: dt.time
    build: Builder


DIGESTS: dict[str, Digest] = {
    "thanks": Digest(weekday=4, at=dt.time(15, 0), build=thanks_digest),
    "customers": Digest(weekday=0, at=dt.time(9, 0), build=customers_digest),
    "kpi": Digest(weekday=0, at=dt.time(9, 0), build=kpi_digest),
    "kpi_ask": Digest(weekday=6, at=dt.time(9, 0), build=ask_owners),  # the day before the KPI digest
}


def tenant_zone(tenant: Tenant) -> ZoneInfo:
    """The tenant's time zone (UTC when unknown)."""
    try:
        return ZoneInfo(tenant.default_timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


async def _claim(session: AsyncSession, tenant_id: int, kind: str, period: str, now: dt.datetime) -> int | None:
    table = DigestRun.__table__  # type: ignore[attr-defined]
    statement = (upsert_insert(dialect_of(session))(table)
                 .values(tenant_id=tenant_id, kind=kind, period=period, created_at=now)
                 .on_conflict_do_nothing(index_elements=["tenant_id", "kind", "period"]).returning(table.c.id))
    row = (await session.execute(statement)).first()
    return int(row[0]) if row else None


async def send_digest(session: AsyncSession, tenant: Tenant, kind: str, *, now: dt.datetime, period: str) -> int | None:
    """Build digest `kind` for the seven days up to `now` and queue it; None when `period` was already sent.

    Returns how many messages were queued.
    """
    assert tenant.id is not None
    run_id = await _claim(session, tenant.id, kind, period, now)
    if run_id is None:
        return None
    window = week_to(now, tenant_zone(tenant))
    outgoing = await DIGESTS[kind].build(session, tenant, window, f"digest:{kind}:{run_id}")
    await enqueue_all(session, outgoing)
    return len(outgoing)
