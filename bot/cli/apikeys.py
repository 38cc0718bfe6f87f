"""`fivefold apikey create`: admin API keys."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.keys import Role as KeyRole
from bot.api.keys import create_api_key
from bot.cli.base import TenantOption, _tenant, apikey_cli, console, in_transaction, know_own_workspace
from bot.models import Tenant


@apikey_cli.command("create")
def apikey_create(
    role: Annotated[KeyRole, typer.Option(help="admin reads and writes; analyst only reads.")],
    tenant: TenantOption = None,
    name: Annotated[str, typer.Option(help="A label to recognise the key by.")] = "",
) -> None:
    """Create an admin API key and print it (once: only its hash is stored)."""
    know_own_workspace()

    async def work(session: AsyncSession) -> tuple[Tenant, str]:
        owner = await _tenant(session, tenant)
        assert owner.id is not None
        return owner, (await create_api_key(session, tenant_id=owner.id, role=role, name=name))[1]

    owner, key = in_transaction(work)
    console.print(f"{role.value} key for tenant {owner.id} ({escape(owner.name or owner.external_id)}); "
                  "store it now, it is not shown again:")
    typer.echo(key)
