"""Importing a CSV file from the command line: all rows or none, problems one a line."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.base import _fail, _tenant, in_transaction
from bot.errors import FivefoldError

CsvFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV with a header line.")]
Importer = Callable[[AsyncSession, int, str], Awaitable[str]]


def import_csv(file: Path, tenant: int | None, importer: Importer) -> None:
    """Run `importer(session, tenant_id, text)` on the file's text in one transaction; all rows or none.

    Args:
        file: the CSV file (UTF-8, a byte-order mark is allowed).
        tenant: the `--tenant` option (optional when there is only one tenant).
        importer: stores the rows and returns a one-line summary, or raises a FivefoldError naming the bad rows.
    """
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail([f"{file}: nothing imported; the file is not UTF-8 text"]) from exc

    async def work(session: AsyncSession) -> str:
        owner = await _tenant(session, tenant)
        assert owner.id is not None
        return await importer(session, owner.id, text)

    try:
        typer.echo(f"{file}: {in_transaction(work)}")
    except FivefoldError as exc:
        problems = list(getattr(exc, "problems", [str(exc)]))
        raise _fail([f"{file}: nothing imported; fix these rows:", *problems]) from exc
