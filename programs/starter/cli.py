"""`fivefold starter enable`: the ready-made starter programme for a tenant."""

from __future__ import annotations

import asyncio

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.base import TenantOption, _tenant, console, in_transaction, know_own_workspace, settings
from bot.db import Database
from bot.models import Tenant, utcnow
from bot.settings import Settings
from programs.starter.enable import enable_starter as enable

starter_cli = typer.Typer(help="The ready-made starter programme.", no_args_is_help=True)


async def enable_starter(settings: Settings, tenant_id: int) -> str:
    """Enable the starter programme for tenant `tenant_id` (idempotent); returns a one-line summary.

    Raises:
        ValueError: no tenant has that id.
    """
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            tenant = await session.get(Tenant, tenant_id)
            if tenant is None:
                raise ValueError(f"no tenant with id {tenant_id}")
            result = await enable(session, tenant, now=utcnow())
            label = tenant.name or tenant.external_id
    finally:
        await db.close()
    return f"starter programme for {label!r}: {len(result.created)} created, {len(result.existing)} already there"


@starter_cli.command("enable")
def starter_enable(tenant: TenantOption = None) -> None:
    """Create the starter programme (Inform, Inspire, Instruct campaigns, onboarding track); safe to repeat."""
    know_own_workspace()

    async def pick(session: AsyncSession) -> int:
        owner = await _tenant(session, tenant)
        assert owner.id is not None
        return owner.id

    tenant_id = in_transaction(pick)
    console.print(asyncio.run(enable_starter(settings(), tenant_id)))
