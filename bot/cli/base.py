"""Shared pieces of the `fivefold` command line: the Typer apps, settings, transactions."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.broadcasts.audience import Roles
from bot.db import Database
from bot.errors import ConfigurationError, FivefoldError
from bot.models import Tenant
from bot.settings import Settings, get_settings

if TYPE_CHECKING:
    from bot.runtime import Runtime

T = TypeVar("T")

cli = typer.Typer(help="Fivefold: the employee-experience bot for Slack and Microsoft Teams.",
                  no_args_is_help=True)
members_cli = typer.Typer(help="Members of a tenant.", no_args_is_help=True)
manifest_cli = typer.Typer(help="App manifests for the chat platforms.", no_args_is_help=True)
apikey_cli = typer.Typer(help="Admin API keys.", no_args_is_help=True)
admin_cli = typer.Typer(help="The HR console.", no_args_is_help=True)
cli.add_typer(admin_cli, name="admin")
cli.add_typer(members_cli, name="members")
cli.add_typer(manifest_cli, name="manifest")
cli.add_typer(apikey_cli, name="apikey")
console = Console(stderr=True)


@dataclass(frozen=True)
class Composition:
    """What the engine's commands need from the composition root (`app.py`), which hands it over.

    Attributes:
        create_app: the web app `fivefold serve` runs.
        create_worker_runtime: a runtime with every enabled platform's port, no HTTP.
        register_own_tenants: make a single-workspace install's tenant known.
        check_settings: raise ConfigurationError when an adapter's settings are unsafe or invalid.
        seed_demo: seed the demo organisation; returns a one-line summary.
    """

    create_app: Callable[[], Any]
    create_worker_runtime: Callable[[Settings], Runtime]
    register_own_tenants: Callable[[Settings], Coroutine[Any, Any, None]]
    check_settings: Callable[[Settings], None]
    seed_demo: Callable[[Settings], Coroutine[Any, Any, str]]


_root: list[Composition] = []
_roles: list[Roles] = []


def use_composition(root: Composition, installed_roles: Roles) -> None:
    """Called by the composition root before the command line runs, with the role audiences programs installed."""
    _root[:] = [root]
    _roles[:] = [installed_roles]


def roles() -> Roles:
    """The role audiences the programs installed (what a broadcast's `{"kind": "<role>"}` may name)."""
    if not _roles:
        raise RuntimeError("the command line is built by the composition root: run `app.main`")
    return _roles[0]


def composition() -> Composition:
    """The composition root's part of the commands (programs and adapters)."""
    if not _root:
        raise RuntimeError("the command line is built by the composition root: run `app.main`")
    return _root[0]


def settings() -> Settings:
    """The settings, or a clear exit when they are unsafe."""
    try:
        config = get_settings()
        composition().check_settings(config)
    except ConfigurationError as exc:
        console.print(f"[red]Configuration error:[/red] {exc}")
        raise typer.Exit(2) from exc
    return config


class CommandError(FivefoldError):
    """A command cannot do what was asked; `problems` are printed one a line."""

    def __init__(self, *problems: str) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


MAX_ID = 2**31 - 1
TenantOption = Annotated[int | None, typer.Option("--tenant", min=1, max=MAX_ID,
                                                  help="Tenant id (optional when there is only one).")]


def know_own_workspace() -> None:
    """Before a command looks for a tenant: make a single-workspace install's own known (`auth.test`)."""
    config = settings()
    try:
        asyncio.run(composition().register_own_tenants(config))
    except ConfigurationError as exc:
        console.print(f"[red]Configuration error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc


def _fail(problems: Sequence[str]) -> typer.Exit:
    for problem in problems:
        console.print(escape(problem), soft_wrap=True)
    return typer.Exit(1)


def in_transaction(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one transaction on the configured database; a CommandError rolls back and exits 1."""
    url = settings().database_url

    async def run() -> T:
        db = Database(url)
        try:
            async with db.transaction() as session:
                return await work(session)
        finally:
            await db.close()

    try:
        return asyncio.run(run())
    except CommandError as exc:
        raise _fail(exc.problems) from exc


async def _tenant(session: AsyncSession, tenant_id: int | None) -> Tenant:
    tenant = await session.get(Tenant, tenant_id) if tenant_id is not None else None
    if tenant is not None:
        return tenant
    tenants = (await session.execute(select(Tenant).order_by(col(Tenant.id)))).scalars().all()
    if tenant_id is None and len(tenants) == 1:
        return tenants[0]
    if not tenants:
        raise CommandError("there is no tenant yet: install Fivefold in a workspace (or run `fivefold demo`) first")
    problem = f"there is no tenant {tenant_id}" if tenant_id is not None else "there are several tenants"
    choices = [f"  --tenant {t.id}   {t.platform}:{t.external_id}  {t.name}" for t in tenants]
    raise CommandError(f"{problem}; choose one:", *choices)

