"""`fivefold kpis import FILE.csv`: entered KPI values by KPI name, all rows or none."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from bot.models import utcnow
from programs.channels.csv_rows import CsvImportError, parse_rows
from programs.kpis.models import Kpi
from programs.kpis.schemas import ValueIn
from programs.kpis.service import put_values


class KpiValueRow(ValueIn):
    """One CSV row: the KPI's name, the period and the value."""

    kpi: str


async def import_kpi_values(session: AsyncSession, tenant_id: int, text: str) -> int:
    """Enter the file's values (a period entered again is replaced); returns how many.

    Raises:
        CsvImportError: a bad line, an unknown KPI or a computed one; nothing is then entered.
    """
    rows = parse_rows(text, KpiValueRow, ("kpi", "period", "value"), ("kpi", "period", "value"))
    kpis = {k.name: k for k in (await session.execute(select(Kpi).where(Kpi.tenant_id == tenant_id))).scalars()}
    problems, by_kpi = [], defaultdict(list)
    for line, row in enumerate(rows, start=2):
        kpi = kpis.get(row.kpi.strip())
        if kpi is None:
            problems.append(f"line {line}: kpi: no KPI named {row.kpi!r}")
        elif kpi.source != "entered":
            problems.append(f"line {line}: kpi: {kpi.name!r} is computed ({kpi.source})")
        else:
            by_kpi[kpi.name].append(ValueIn(period=row.period, value=row.value))
    if problems:
        raise CsvImportError(problems)
    now: dt.datetime = utcnow()
    return sum([await put_values(session, kpis[name], values, now) for name, values in by_kpi.items()])
