"""The `fivefold` command line."""

from __future__ import annotations

import asyncio
import importlib
import json
import signal
import sys
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any

import typer
from rich.console import Console

from bot.db import Database
from bot.db import migrate as run_migrations
from bot.errors import ConfigurationError, DatabaseBehindError
from bot.settings import Role, Settings, get_settings

cli = typer.Typer(help="Fivefold: the employee-experience bot for Slack and Microsoft Teams.",
                  no_args_is_help=True)
members_cli = typer.Typer(help="Members of a tenant.", no_args_is_help=True)
manifest_cli = typer.Typer(help="App manifests for the chat platforms.", no_args_is_help=True)
cli.add_typer(members_cli, name="members")
cli.add_typer(manifest_cli, name="manifest")
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


def main() -> None:
    """Entry point of the `fivefold` script."""
    cli()
