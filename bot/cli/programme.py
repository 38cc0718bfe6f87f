"""`fivefold ambassadors list`, `feedback import` and `kpis import`: the programme from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.base import TenantOption, _fail, _tenant, cli, composition, in_transaction
from bot.errors import FivefoldError

ambassadors_cli = typer.Typer(help="CX ambassadors (Engage).", no_args_is_help=True)
feedback_cli = typer.Typer(help="Customer feedback (the customer's voice).", no_args_is_help=True)
kpis_cli = typer.Typer(help="KPIs and their entered values.", no_args_is_help=True)
cli.add_typer(ambassadors_cli, name="ambassadors")
cli.add_typer(feedback_cli, name="feedback")
cli.add_typer(kpis_cli, name="kpis")
CsvFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV with a header line.")]


@ambassadors_cli.command("list")
def ambassadors_list(tenant: TenantOption = None) -> None:
    """The approved ambassadors, by area: area, name, platform id, hours a month (tab-separated)."""

    async def work(session: AsyncSession) -> list[str]:
        owner = await _tenant(session, tenant)
        assert owner.id is not None
        lines: list[str] = await composition().ambassador_roster(session, owner.id)
        return lines

    lines = in_transaction(work)
    typer.echo("\n".join(lines) if lines else "no ambassadors yet")


def _import(file: Path, tenant: int | None, importer: str) -> None:
    """Run the composition root's `importer` on the file's text in one transaction; all rows or none."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail([f"{file}: nothing imported; the file is not UTF-8 text"]) from exc

    async def work(session: AsyncSession) -> str:
        owner = await _tenant(session, tenant)
        assert owner.id is not None
        summary: str = await getattr(composition(), importer)(session, owner.id, text)
        return summary

    try:
        typer.echo(f"{file}: {in_transaction(work)}")
    except FivefoldError as exc:
        problems = list(getattr(exc, "problems", [str(exc)]))
        raise _fail([f"{file}: nothing imported; fix these rows:", *problems]) from exc


@feedback_cli.command("import")
def feedback_import(file: CsvFile, tenant: TenantOption = None) -> None:
    """Import customer feedback, all rows or none; a row whose external_id is stored changes nothing.

    Columns: score (0-10), team and date (YYYY-MM-DD) are required; comment,
    touchpoint and external_id are optional.
    """
    _import(file, tenant, "import_feedback")


@kpis_cli.command("import")
def kpis_import(file: CsvFile, tenant: TenantOption = None) -> None:
    """Enter KPI values, all rows or none. Columns: kpi (its name), period (YYYY-MM-DD), value."""
    _import(file, tenant, "import_kpi_values")
