"""The composition root: the one place that lists the programs and the adapters and wires them to the engine.

Each program and each adapter has an `install(installation)` that registers
everything it brings (`bot.installation`); a new one is a new folder plus one
line in `PROGRAMS` or `ADAPTERS`.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import ModuleType

from fastapi import FastAPI

import adapters.slack
import adapters.teams
import programs.ambassadors
import programs.awards
import programs.campaigns
import programs.channels
import programs.digests
import programs.engage
import programs.help
import programs.instruct
import programs.kpis
import programs.reward
import programs.starter
import programs.stories
import programs.voice
from bot import web
from bot.api import limits as limits_api
from bot.cli import build_cli, cli
from bot.cli.base import Composition
from bot.console.app import mount_console
from bot.db import Database, Timeouts
from bot.engine import Engine
from bot.installation import Installation
from bot.logs import configure_logging
from bot.runtime import Runtime
from bot.settings import Role, Settings, get_settings
from bot.worker_process import WorkerProcess

# In this order: handlers that extend another program's reply come after it (Engage after Reward), help last.
PROGRAMS: tuple[ModuleType, ...] = (
    programs.campaigns, programs.reward, programs.engage, programs.instruct, programs.ambassadors, programs.stories,
    programs.digests, programs.awards, programs.kpis, programs.channels, programs.voice, programs.starter,
    programs.help,
)
ADAPTERS: tuple[ModuleType, ...] = (adapters.slack, adapters.teams)


def install(settings: Settings | None) -> Installation:
    """Every adapter and program installed; with `settings=None`, only what needs no settings (tables, commands).

    Raises:
        ConfigurationError: an adapter's settings are invalid or unsafe in production.
    """
    installation = Installation(settings)
    for part in (*ADAPTERS, *PROGRAMS):
        part.install(installation)
    return installation


def build_runtime(installation: Installation) -> Runtime:
    """The engine with every program's handlers and every enabled platform's port; returns the runtime."""
    settings = installation.settings
    assert settings is not None
    timeouts = Timeouts(settings.db_connect_timeout_seconds, settings.db_statement_timeout_seconds)
    db = Database(settings.database_url, timeouts)
    router = installation.router
    return Runtime(settings=settings, db=db, router=router, engine=Engine(db, settings, router),
                   roles=installation.roles)


def create_app(settings: Settings | None = None, *, worker_process: bool = False) -> FastAPI:
    """The ASGI app: the HTTP front, and the worker when `FIVEFOLD_ROLE=all`.

    With `worker_process` (what `fivefold serve` asks for) and PostgreSQL, the worker runs
    as a child process at a lower CPU priority instead of on the requests' event loop
    (`bot.worker_process`); on SQLite it always runs in this process.
    """
    settings = settings or get_settings()
    configure_logging(settings.log_format)
    installation = install(settings)
    runtime = build_runtime(installation)
    child = WorkerProcess(os.environ) if (
        worker_process and settings.role is Role.ALL and runtime.db.dialect == "postgresql") else None

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await runtime.start(Role.WEB if child else settings.role)
        if child:
            await child.start()
        try:
            yield
        finally:
            if child:
                await child.stop()
            await runtime.stop()

    app = FastAPI(title="Fivefold", version="0.1.0", lifespan=lifespan)
    app.state.runtime = runtime
    app.state.db = runtime.db
    # the platforms' webhooks first: routes are matched in order, and they take nearly every request
    for seam in installation.enabled_platforms:
        connection = seam.connect(runtime.engine, runtime.db)
        runtime.add_port(connection.port)
        if connection.routes is not None:
            app.include_router(connection.routes)
    app.include_router(web.router)
    app.include_router(limits_api.router)
    for router in installation.api_routers:
        app.include_router(router)
    mount_console(app, settings, installation.console)
    return app


def create_served_app() -> FastAPI:
    """The app `fivefold serve` runs (uvicorn factory): on PostgreSQL its worker is a child process."""
    return create_app(worker_process=True)


def create_worker_runtime(settings: Settings | None = None) -> Runtime:
    """A runtime with every enabled platform's port but no HTTP (for `fivefold worker`)."""
    settings = settings or get_settings()
    configure_logging(settings.log_format)
    installation = install(settings)
    runtime = build_runtime(installation)
    for seam in installation.enabled_platforms:
        runtime.add_port(seam.connect(runtime.engine, runtime.db).port)
    return runtime


async def register_own_tenants(settings: Settings) -> None:
    """Make a single-workspace install's tenant known (`auth.test`), as `serve` does at start-up.

    Raises:
        ConfigurationError: the platform refused the configured token.
    """
    if not any(seam.own_tenant for seam in install(settings).enabled_platforms):
        return
    runtime = create_worker_runtime(settings)
    try:
        await runtime.register_own_tenants()
    finally:
        for port in runtime.ports.values():
            await port.close()
        await runtime.db.close()


def check_settings(settings: Settings) -> None:
    """Raise ConfigurationError when an adapter's settings are invalid or unsafe in production."""
    install(settings)


async def seed_demo(settings: Settings) -> str:
    """Seed the demo organisation; returns a one-line summary."""
    from programs.demo import seed_demo as seed

    db = Database(settings.database_url)
    try:
        tenant = await seed(db)
    finally:
        await db.close()
    return f"demo tenant {tenant.name!r} ({tenant.platform}:{tenant.external_id}) is ready"


build_cli(Composition(create_app=create_served_app, create_worker_runtime=create_worker_runtime,
                      register_own_tenants=register_own_tenants, check_settings=check_settings,
                      seed_demo=seed_demo), install(None))

__all__ = ["ADAPTERS", "PROGRAMS", "cli", "create_app", "create_worker_runtime", "install", "main"]


def main() -> None:
    """Entry point of the `fivefold` script."""
    cli()
