"""`fivefold ambassadors list`: the approved CX ambassadors from the command line."""

from __future__ import annotations

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.base import TenantOption, _tenant, in_transaction
from programs.ambassadors.service import roster

ambassadors_cli = typer.Typer(help="CX ambassadors (Engage).", no_args_is_help=True)


async def roster_lines(session: AsyncSession, tenant_id: int) -> list[str]:
    """The tenant's CX ambassadors, one line each: area, name, platform id, hours a month."""
    return [
        f"{application.area}\t{member.name}\t{member.external_id}\t{application.hours_per_month} h/month"
        for application, member in await roster(session, tenant_id)
    ]


@ambassadors_cli.command("list")
def ambassadors_list(tenant: TenantOption = None) -> None:
    """The approved ambassadors, by area: area, name, platform id, hours a month (tab-separated)."""

    async def work(session: AsyncSession) -> list[str]:
        owner = await _tenant(session, tenant)
        assert owner.id is not None
        return await roster_lines(session, owner.id)

    lines = in_transaction(work)
    typer.echo("\n".join(lines) if lines else "no ambassadors yet")
