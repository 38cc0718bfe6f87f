"""`fivefold ambassadors list`: the programme's rosters from the command line."""

from __future__ import annotations

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.base import TenantOption, _tenant, cli, composition, in_transaction

ambassadors_cli = typer.Typer(help="CX ambassadors (Engage).", no_args_is_help=True)
cli.add_typer(ambassadors_cli, name="ambassadors")


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
