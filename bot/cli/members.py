"""`fivefold members sync|import`: members from the platform or a CSV file."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.base import (
    TenantOption,
    _fail,
    _tenant,
    composition,
    console,
    in_transaction,
    know_own_workspace,
    members_cli,
    settings,
)
from bot.members_import import MembersImportError, apply_import, parse_members_csv


@members_cli.command("sync")
def members_sync() -> None:
    """Refresh every tenant's members from its platform (users.list)."""
    config = settings()
    know_own_workspace()

    async def run() -> int:
        runtime = composition().create_worker_runtime(config)
        try:
            seen: int = await runtime.sync_members()
        finally:
            await runtime.db.close()
        return seen

    console.print(f"{asyncio.run(run())} members synchronised")


@members_cli.command("import")
def members_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV with a header line.")],
    tenant: TenantOption = None,
) -> None:
    """Upsert members' attributes from a CSV, all rows or none.

    Columns: platform_id and/or email (one is needed), department, location,
    country (ISO two-letter), start_date (YYYY-MM-DD), display_name. An empty
    cell leaves that attribute as it is.
    """
    try:
        rows = parse_members_csv(file.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise _fail([f"{file}: nothing imported; the file is not UTF-8 text"]) from exc
    except MembersImportError as exc:
        raise _fail([f"{file}: nothing imported; fix these rows:", *exc.problems]) from exc

    async def work(session: AsyncSession) -> str:
        owner = await _tenant(session, tenant)
        assert owner.id is not None
        summary = await apply_import(session, owner.id, rows)
        return f"{summary.created} created, {summary.updated} updated, {summary.unchanged} unchanged"

    try:
        typer.echo(f"{file}: {in_transaction(work)}")
    except MembersImportError as exc:
        raise _fail([f"{file}: nothing imported; fix these rows:", *exc.problems]) from exc

