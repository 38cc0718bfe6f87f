"""The `fivefold` command line."""

from __future__ import annotations

import asyncio
import importlib
import json
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.api.keys import Role as KeyRole
from bot.api.keys import create_api_key
from bot.campaigns.models import Campaign, Occurrence
from bot.campaigns.service import campaigns_of, progress, send_now
from bot.db import Database
from bot.db import migrate as run_migrations
from bot.errors import ConfigurationError, DatabaseBehindError, FivefoldError
from bot.members_import import MembersImportError, apply_import, parse_members_csv
from bot.models import Tenant
from bot.settings import Role, Settings, get_settings

T = TypeVar("T")

cli = typer.Typer(help="Fivefold: the employee-experience bot for Slack and Microsoft Teams.",
                  no_args_is_help=True)
members_cli = typer.Typer(help="Members of a tenant.", no_args_is_help=True)
manifest_cli = typer.Typer(help="App manifests for the chat platforms.", no_args_is_help=True)
apikey_cli = typer.Typer(help="Admin API keys.", no_args_is_help=True)
campaigns_cli = typer.Typer(help="Campaigns (Inform, Inspire, Instruct).", no_args_is_help=True)
deliveries_cli = typer.Typer(help="Delivery progress of campaign occurrences.", no_args_is_help=True)
cli.add_typer(members_cli, name="members")
cli.add_typer(manifest_cli, name="manifest")
cli.add_typer(apikey_cli, name="apikey")
cli.add_typer(campaigns_cli, name="campaigns")
cli.add_typer(deliveries_cli, name="deliveries")
console = Console(stderr=True)


def composition() -> ModuleType:
    """The composition root (`app`), imported when a command needs programs and adapters.

    Loaded by name so that the engine package never imports programs or adapters.
    """
    return importlib.import_module("app")


def settings() -> Settings:
    """The settings, or a clear exit when they are unsafe."""
    try:
        return get_settings()
    except ConfigurationError as exc:
        console.print(f"[red]Configuration error:[/red] {exc}")
        raise typer.Exit(2) from exc


@cli.command()
def migrate() -> None:
    """Upgrade the database to the newest schema."""
    url = settings().database_url
    run_migrations(url)
    console.print(f"database at {url.split('@')[-1]} is at the newest migration")


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 3000,
    migrate_first: Annotated[bool, typer.Option("--migrate/--no-migrate",
                             help="Run migrations before serving (embedded database default).")] = False,
) -> None:
    """Serve the HTTP app (with the worker too when FIVEFOLD_ROLE=all)."""
    import uvicorn

    config = settings()
    if migrate_first:
        run_migrations(config.database_url)
    if not _schema_ok(config):
        raise typer.Exit(1)
    uvicorn.run("app:create_app", factory=True, host=host, port=port, log_config=None,
                proxy_headers=True)


def _schema_ok(config: Settings) -> bool:
    async def check() -> None:
        db = Database(config.database_url)
        try:
            await db.require_head()
        finally:
            await db.close()

    try:
        asyncio.run(check())
    except DatabaseBehindError as exc:
        console.print(f"[red]Not starting:[/red] {exc}")
        return False
    except Exception as exc:
        console.print(f"[red]Not starting:[/red] cannot reach the database ({type(exc).__name__}: {exc})")
        return False
    return True


@cli.command()
def worker() -> None:
    """Run only the delivery worker (FIVEFOLD_ROLE=worker)."""
    config = settings()
    if not _schema_ok(config):
        raise typer.Exit(1)

    async def run() -> None:
        runtime = composition().create_worker_runtime(config)
        await runtime.start(Role.WORKER)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        await runtime.stop()

    asyncio.run(run())


@cli.command()
def demo() -> None:
    """Seed a demo organisation (members, values, kudos) into the database."""
    config = settings()
    run_migrations(config.database_url)
    console.print(asyncio.run(composition().seed_demo(config)))


@manifest_cli.command("slack")
def manifest_slack(
    url: Annotated[str, typer.Option(help="Public HTTPS base URL of this Fivefold, e.g. https://fivefold.example.com")],
    oauth: Annotated[bool, typer.Option(help="Include the OAuth redirect URL (multi-workspace).")] = False,
) -> None:
    """Print the Slack app manifest (JSON) for `url`."""
    if not url.startswith(("https://", "http://")):
        console.print("[red]--url must start with https://[/red]")
        raise typer.Exit(2)
    manifest: dict[str, Any] = composition().slack_manifest(url, oauth)
    sys.stdout.write(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


@manifest_cli.command("teams")
def manifest_teams(
    app_id: Annotated[str, typer.Option(help="The bot's Microsoft App ID (a GUID).")],
    url: Annotated[str, typer.Option(help="Public HTTPS base URL of this Fivefold.")],
    out: Annotated[Path, typer.Option(help="Where to write the package.")] = Path("fivefold-teams.zip"),
) -> None:
    """Write the Teams app package (manifest.json and icons, zipped) for `url`."""
    try:
        package: bytes = composition().teams_package(app_id, url)
    except ValueError as exc:
        console.print(f"[red]Cannot build the package:[/red] {exc}")
        raise typer.Exit(2) from exc
    out.write_bytes(package)
    console.print(f"wrote {out} — upload it in Teams: Apps → Manage your apps → Upload an app")


@members_cli.command("sync")
def members_sync() -> None:
    """Refresh every tenant's members from its platform (users.list)."""
    config = settings()

    async def run() -> int:
        runtime = composition().create_worker_runtime(config)
        try:
            seen: int = await runtime.sync_members()
        finally:
            await runtime.db.close()
        return seen

    console.print(f"{asyncio.run(run())} members synchronised")


class CommandError(FivefoldError):
    """A command cannot do what was asked; `problems` are printed one a line."""

    def __init__(self, *problems: str) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


MAX_ID = 2**31 - 1
TenantOption = Annotated[int | None, typer.Option("--tenant", min=1, max=MAX_ID,
                                                  help="Tenant id (optional when there is only one).")]


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


@apikey_cli.command("create")
def apikey_create(
    role: Annotated[KeyRole, typer.Option(help="admin reads and writes; analyst only reads.")],
    tenant: TenantOption = None,
    name: Annotated[str, typer.Option(help="A label to recognise the key by.")] = "",
) -> None:
    """Create an admin API key and print it (once: only its hash is stored)."""

    async def work(session: AsyncSession) -> tuple[Tenant, str]:
        owner = await _tenant(session, tenant)
        assert owner.id is not None
        return owner, (await create_api_key(session, tenant_id=owner.id, role=role, name=name))[1]

    owner, key = in_transaction(work)
    console.print(f"{role.value} key for tenant {owner.id} ({escape(owner.name or owner.external_id)}); "
                  "store it now, it is not shown again:")
    typer.echo(key)


@campaigns_cli.command("list")
def campaigns_list(tenant: TenantOption = None) -> None:
    """List a tenant's campaigns, newest first."""

    async def work(session: AsyncSession) -> list[Campaign]:
        owner = await _tenant(session, tenant)
        assert owner.id is not None
        return list(await campaigns_of(session, owner.id))

    campaigns = in_transaction(work)
    if not campaigns:
        console.print("no campaigns yet: create one with POST /api/v1/campaigns")
        return
    table = Table("id", "name", "lever", "audience", "schedule", "active")
    for campaign in campaigns:
        schedule = campaign.schedule
        when = schedule.get("at") or schedule.get("cron")
        table.add_row(str(campaign.id), escape(campaign.name), campaign.lever, str(campaign.audience.get("kind")),
                      escape(f"{schedule.get('kind')} {when} ({schedule.get('timezone')})"),
                      "yes" if campaign.active else "no")
    Console().print(table)


@campaigns_cli.command("send-now")
def campaigns_send_now(
    campaign_id: Annotated[int, typer.Argument(min=1, max=MAX_ID, help="The campaign's id.")],
) -> None:
    """Send a campaign now (one extra occurrence); prints the occurrence id to watch."""

    async def work(session: AsyncSession) -> int | None:
        campaign = await session.get(Campaign, campaign_id)
        if campaign is None:
            raise CommandError(f"there is no campaign {campaign_id}")
        if not campaign.active:
            raise CommandError(f"campaign {campaign_id} is stopped")
        tenant = await session.get(Tenant, campaign.tenant_id)
        assert tenant is not None
        return (await send_now(session, campaign, tenant)).id

    typer.echo(in_transaction(work))


@deliveries_cli.command("watch")
def deliveries_watch(
    occurrence: Annotated[int, typer.Argument(min=1, max=MAX_ID, help="The occurrence (from `campaigns send-now`).")],
    timeout: Annotated[float, typer.Option(help="Give up after this many seconds.")] = 3600.0,
    interval: Annotated[float, typer.Option(help="Seconds between polls.")] = 1.0,
) -> None:
    """Show a live progress bar of an occurrence's deliveries until none is pending."""
    url = settings().database_url

    async def watch() -> dict[str, Any]:
        db = Database(url)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[detail]}"), TimeElapsedColumn())
        try:
            with Progress(*columns, console=console) as bar:
                task = bar.add_task(f"occurrence {occurrence}", total=None, detail="")
                deadline = asyncio.get_running_loop().time() + timeout
                while True:
                    async with db.transaction() as session:
                        if await session.get(Occurrence, occurrence) is None:
                            raise CommandError(f"there is no occurrence {occurrence}")
                        counts = await progress(session, occurrence)
                    bar.update(task, total=counts["total"], completed=counts["total"] - counts["pending"],
                               detail="{sent} sent, {failed} failed, {skipped} skipped".format(**counts))
                    if not counts["pending"] or asyncio.get_running_loop().time() >= deadline:
                        return counts
                    await asyncio.sleep(interval)
        finally:
            await db.close()

    try:
        counts = asyncio.run(watch())
    except CommandError as exc:
        raise _fail(exc.problems) from exc
    typer.echo("occurrence {id}: {sent} sent, {failed} failed, {skipped} skipped, {pending} pending of {total}"
               .format(id=occurrence, **counts))
    for reason, count in sorted(counts["failures"].items()):
        typer.echo(f"  failed ({reason}): {count}")
    if counts["pending"]:
        raise _fail([f"timed out after {timeout:g} s with {counts['pending']} deliveries pending"])


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


def main() -> None:
    """Entry point of the `fivefold` script."""
    cli()
