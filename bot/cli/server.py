"""`fivefold migrate`, `serve`, `worker`, `demo`: running Fivefold."""

from __future__ import annotations

import asyncio
import gc
import signal
from typing import IO, Annotated, Any

import typer

from bot.cli.base import cli, composition, console, settings
from bot.cli.protocol import header_timeout_protocol
from bot.db import Database
from bot.db import migrate as run_migrations
from bot.errors import DatabaseBehindError, DatabaseInUseError
from bot.settings import Role, Settings
from bot.sqlite_lock import lock_sqlite_file


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
    _hold_the_database(config)
    if migrate_first:
        run_migrations(config.database_url)
    if not _schema_ok(config):
        raise typer.Exit(1)
    uvicorn.run("bot.cli.server:served_app", factory=True, host=host, port=port, log_config=None,
                proxy_headers=True, http=header_timeout_protocol(config.header_timeout_seconds))


def served_app() -> Any:
    """uvicorn's factory for `fivefold serve`: the app, with the start-up heap frozen.

    What exists once the app is built (modules, SQLAlchemy's and pydantic's machinery,
    the Bolt app) lives as long as the process. `gc.freeze` takes it out of the cyclic
    collector's sight, so a full collection walks only what requests left behind
    instead of ~100,000 long-lived objects (about 65 ms: a latency spike for whichever
    request triggered it, and ~10 % of the CPU a kudos costs).
    """
    app = composition().create_app()
    gc.collect()
    gc.freeze()
    return app


_held: list[IO[str]] = []  # the SQLite lock file, open (and locked) until the process ends


def _hold_the_database(config: Settings) -> None:
    """Refuse to start when another process serves the same SQLite file."""
    try:
        lock = lock_sqlite_file(config.database_url)
    except DatabaseInUseError as exc:
        console.print(f"[red]Not starting:[/red] {exc}")
        raise typer.Exit(1) from None
    if lock is not None:
        _held.append(lock)


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
    _hold_the_database(config)
    if not _schema_ok(config):
        raise typer.Exit(1)

    async def run() -> None:
        runtime = composition().create_worker_runtime(config)
        await runtime.start(Role.WORKER)
        gc.collect()
        gc.freeze()  # as in `served_app`
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

