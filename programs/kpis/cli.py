"""`fivefold kpis import`: KPI values from a CSV file."""

from __future__ import annotations

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.base import TenantOption
from bot.cli.csv_import import CsvFile, import_csv
from programs.kpis.importer import import_kpi_values as enter

kpis_cli = typer.Typer(help="KPIs and their entered values.", no_args_is_help=True)


async def import_kpi_values(session: AsyncSession, tenant_id: int, text: str) -> str:
    """Enter KPI values from CSV text (columns kpi, period, value), all rows or none; returns a summary.

    Raises:
        CsvImportError: naming every bad line, unknown KPI or computed KPI (nothing is entered).
    """
    return f"{await enter(session, tenant_id, text)} values entered"


@kpis_cli.command("import")
def kpis_import(file: CsvFile, tenant: TenantOption = None) -> None:
    """Enter KPI values, all rows or none. Columns: kpi (its name), period (YYYY-MM-DD), value."""
    import_csv(file, tenant, import_kpi_values)
