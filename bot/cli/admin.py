"""`fivefold admin login-link`: a one-time console sign-in link, for a setup without an identity provider."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.base import CommandError, TenantOption, _tenant, admin_cli, in_transaction, settings
from bot.console.models import ConsoleRole
from bot.console.users import create_login_link, ensure_user
from bot.models import utcnow


@admin_cli.command("login-link")
def login_link(
    email: Annotated[str, typer.Option(help="The console user's e-mail address (created when new).")],
    tenant: TenantOption = None,
    role: Annotated[ConsoleRole, typer.Option(help="Role for a new user: admin, analyst or reviewer.")]
    = ConsoleRole.ADMIN,
) -> None:
    """Print a sign-in link valid for 15 minutes, usable once."""
    base = settings().public_url.rstrip("/")

    async def work(session: AsyncSession) -> str:
        if "@" not in email or len(email) > 320:
            raise CommandError(f"{email!r} is not an e-mail address")
        owner = await _tenant(session, tenant)
        assert owner.id is not None
        user = await ensure_user(session, tenant_id=owner.id, email=email, role=role)
        return await create_login_link(session, user, now=utcnow())

    token = in_transaction(work)
    typer.echo(f"{base}/auth/link?token={token}")
