"""`fivefold feedback import`: customer feedback from a CSV file."""

from __future__ import annotations

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.base import TenantOption
from bot.cli.csv_import import CsvFile, import_csv
from programs.voice.importer import parse_feedback_csv
from programs.voice.service import store_feedback

feedback_cli = typer.Typer(help="Customer feedback (the customer's voice).", no_args_is_help=True)


async def import_feedback(session: AsyncSession, tenant_id: int, text: str) -> str:
    """Import customer feedback from CSV text, all rows or none; returns a one-line summary.

    Raises:
        CsvImportError: naming every bad line (nothing is imported).
    """
    result = await store_feedback(session, tenant_id, parse_feedback_csv(text))
    return f"{result.created} created, {result.unchanged} unchanged"


@feedback_cli.command("import")
def feedback_import(file: CsvFile, tenant: TenantOption = None) -> None:
    """Import customer feedback, all rows or none; a row whose external_id is stored changes nothing.

    Columns: score (0-10), team and date (YYYY-MM-DD) are required; comment,
    touchpoint and external_id are optional.
    """
    import_csv(file, tenant, import_feedback)
