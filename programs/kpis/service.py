"""KPIs: creating them, entering values, and reading each one's standing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.db import dialect_of, upsert_insert
from bot.errors import FivefoldError
from bot.members import find_member
from bot.models import Member
from programs.kpis.computed import COMPUTED, MONTH
from programs.kpis.models import Kpi, KpiComment, KpiValue
from programs.kpis.schemas import KpiIn, KpiOut, ValueIn
from programs.kpis.status import Status, status_of, trend_of
from programs.kpis.surveys import SURVEY_KPIS

COMMENT_DAYS = dt.timedelta(days=7)
MAX_COMMENT = 300
HISTORY = 6


class KpiRefused(FivefoldError, ValueError):
    """The KPI cannot be created as asked; the message names why (for a 422)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


async def create_kpi(session: AsyncSession, tenant_id: int, data: KpiIn) -> Kpi:
    """Store a KPI, refusing an unknown owner or a taken name."""
    owner = await find_member(session, tenant_id=tenant_id, external_id=data.owner) if data.owner else None
    if data.owner and owner is None:
        raise KpiRefused("owner", f"no member {data.owner!r} in this tenant")
    taken = await session.execute(select(Kpi.id).where(Kpi.tenant_id == tenant_id, Kpi.name == data.name))
    if taken.first() is not None:
        raise KpiRefused("name", "a KPI with this name exists")
    kpi = Kpi(tenant_id=tenant_id, name=data.name, unit=data.unit, target=data.target, direction=data.direction,
              owner_id=owner.id if owner else None, source=data.source)
    session.add(kpi)
    await session.flush()
    return kpi


async def put_values(session: AsyncSession, kpi: Kpi, values: Sequence[ValueIn], now: dt.datetime) -> int:
    """Insert or replace the values of the given periods; returns how many."""
    table = KpiValue.__table__  # type: ignore[attr-defined]
    insert = upsert_insert(dialect_of(session))(table)
    statement = insert.on_conflict_do_update(index_elements=["kpi_id", "period"],
                                             set_={"value": insert.excluded.value, "recorded_at": now})
    await session.execute(statement, [{"kpi_id": kpi.id, "period": v.period, "value": v.value, "recorded_at": now}
                                      for v in values])
    return len(values)


def is_computed(kpi: Kpi) -> bool:
    """True when Fivefold computes the KPI (its values cannot be entered)."""
    return kpi.source in COMPUTED or kpi.source in SURVEY_KPIS


async def add_comment(session: AsyncSession, kpi: Kpi, text: str) -> KpiComment:
    """Store an owner's one-line comment for the next digest (cut to 300 characters)."""
    assert kpi.id is not None
    comment = KpiComment(kpi_id=kpi.id, comment=text.strip()[:MAX_COMMENT])
    session.add(comment)
    await session.flush()
    return comment


@dataclass(frozen=True)
class Standing:
    """A KPI's latest and previous values, its status and its owner's recent comment."""

    kpi: Kpi
    owner: Member | None
    latest: float | None
    previous: float | None
    period: dt.date | None
    status: Status
    comment: str | None


Values = tuple[float | None, float | None, dt.date | None]


async def _computed(session: AsyncSession, kpi: Kpi, end: dt.datetime, threshold: int) -> float | None:
    if kpi.source in SURVEY_KPIS:
        return await SURVEY_KPIS[kpi.source](session, kpi.tenant_id, end, threshold)
    return await COMPUTED[kpi.source](session, kpi.tenant_id, end)


async def _values(session: AsyncSession, kpi: Kpi, now: dt.datetime, threshold: int) -> Values:
    if is_computed(kpi):
        return (await _computed(session, kpi, now, threshold), await _computed(session, kpi, now - MONTH, threshold),
                None)
    rows = (await session.execute(select(KpiValue).where(KpiValue.kpi_id == kpi.id)
                                  .order_by(col(KpiValue.period).desc()).limit(2))).scalars().all()
    if not rows:
        return None, None, None
    return rows[0].value, rows[1].value if len(rows) > 1 else None, rows[0].period


async def standing(session: AsyncSession, kpi: Kpi, now: dt.datetime, *, threshold: int) -> Standing:
    """Where the KPI stands now; `threshold` is the anonymity threshold the survey KPIs are read under."""
    latest, previous, period = await _values(session, kpi, now, threshold)
    comment = (await session.execute(select(KpiComment.comment).where(
        KpiComment.kpi_id == kpi.id, col(KpiComment.created_at) >= now - COMMENT_DAYS)
        .order_by(col(KpiComment.id).desc()).limit(1))).scalars().first()
    owner = await session.get(Member, kpi.owner_id) if kpi.owner_id else None
    status = status_of(latest, kpi.target, kpi.direction == "higher")
    return Standing(kpi, owner, latest, previous, period, status, comment)


async def standings(session: AsyncSession, tenant_id: int, now: dt.datetime, *, threshold: int) -> list[Standing]:
    """Every KPI of the tenant, in the order they were created (`threshold`: see `standing`)."""
    kpis = (await session.execute(select(Kpi).where(Kpi.tenant_id == tenant_id)
                                  .order_by(col(Kpi.position), col(Kpi.id)))).scalars().all()
    return [await standing(session, kpi, now, threshold=threshold) for kpi in kpis]


async def history(session: AsyncSession, kpi: Kpi, now: dt.datetime, *, threshold: int) -> list[tuple[str, float]]:
    """The trend: the last six entered periods, or a computed KPI's value at each of the last six 30-day steps."""
    if is_computed(kpi):
        ends = [now - step * MONTH for step in range(HISTORY - 1, -1, -1)]
        points = [(end.date().isoformat(), await _computed(session, kpi, end, threshold)) for end in ends]
        return [(label, value) for label, value in points if value is not None]
    rows = (await session.execute(select(KpiValue).where(KpiValue.kpi_id == kpi.id)
                                  .order_by(col(KpiValue.period).desc()).limit(HISTORY))).scalars().all()
    return [(row.period.isoformat(), row.value) for row in reversed(rows)]


def kpi_out(row: Standing) -> KpiOut:
    """The API shape of a standing."""
    kpi = row.kpi
    assert kpi.id is not None
    return KpiOut(id=kpi.id, name=kpi.name, unit=kpi.unit, target=kpi.target, direction=kpi.direction,
                  owner=row.owner.external_id if row.owner else None, source=kpi.source, latest=row.latest,
                  previous=row.previous, period=row.period, status=row.status.value,
                  trend=trend_of(row.latest, row.previous), comment=row.comment)
