"""The composition root: the one place that wires the engine, the programs and the adapters."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import ModuleType

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

import programs
from bot import web
from bot.api.router import api_router
from bot.console.app import mount_console, new_registry
from bot.console.registry import ConsoleRegistry, Download
from bot.db import Database, Timeouts
from bot.engine import Engine
from bot.logs import configure_logging
from bot.router import Router
from bot.runtime import Runtime
from bot.settings import Settings, get_settings
from programs.ambassadors.api import router as ambassadors_router
from programs.awards.api import router as awards_router
from programs.channels.api import router as programme_settings_router
from programs.digests.api import router as digests_router
from programs.engage.api import router as surveys_router
from programs.instruct.api import router as tracks_router
from programs.kpis.api import router as kpis_router
from programs.stories.api import router as stories_router
from programs.voice.api import router as feedback_router


def build_runtime(settings: Settings) -> Runtime:
    """The engine with every program registered and every configured adapter's port."""
    timeouts = Timeouts(settings.db_connect_timeout_seconds, settings.db_statement_timeout_seconds)
    db = Database(settings.database_url, timeouts)
    router = Router()
    programs.register_all(router, settings)
    return Runtime(settings=settings, db=db, router=router, engine=Engine(db, settings, router))


def create_app(settings: Settings | None = None) -> FastAPI:
    """The ASGI app `fivefold serve` runs (uvicorn factory)."""
    settings = settings or get_settings()
    configure_logging(settings.log_format)
    runtime = build_runtime(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await runtime.start(settings.role)
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(title="Fivefold", version="0.1.0", lifespan=lifespan)
    app.state.runtime = runtime
    app.state.db = runtime.db
    # the platforms' webhooks first: routes are matched in order, and they take nearly every request
    if settings.slack_enabled:
        from adapters.slack.app import SlackAdapter
        from adapters.slack.http import slack_router

        slack = SlackAdapter(settings, runtime.engine, runtime.db)
        runtime.add_port(slack.port)
        assert settings.slack_signing_secret is not None
        app.include_router(slack_router(slack, settings.slack_signing_secret.get_secret_value()))
    if settings.teams_enabled:
        from adapters.teams.app import TeamsAdapter
        from adapters.teams.http import teams_router

        teams = TeamsAdapter(settings, runtime.engine, runtime.db)
        runtime.add_port(teams.port)
        app.include_router(teams_router(teams))
    app.include_router(web.router)
    app.include_router(api_router)
    app.include_router(tracks_router)
    app.include_router(surveys_router)
    app.include_router(ambassadors_router)
    app.include_router(programme_settings_router)
    app.include_router(stories_router)
    app.include_router(feedback_router)
    app.include_router(digests_router)
    app.include_router(awards_router)
    app.include_router(kpis_router)
    mount_console(app, settings, console_registry(settings))
    return app


def console_registry(settings: Settings) -> ConsoleRegistry:
    """The console's pages and charts: the engine's, every program's, and the platforms' manifests."""
    registry = new_registry()
    programs.register_console(registry)
    oauth = settings.slack_client_id is not None
    registry.add_manifest("slack", Download(
        "fivefold-slack-manifest.json", "application/json",
        lambda url: json.dumps(slack_manifest(url, oauth), indent=2, ensure_ascii=False).encode()))
    registry.add_manifest("teams", Download(
        "fivefold-teams.zip", "application/zip", lambda url: teams_package(settings.microsoft_app_id, url)))
    return registry


def create_worker_runtime(settings: Settings | None = None) -> Runtime:
    """A runtime with every adapter's port but no HTTP (for `fivefold worker`)."""
    settings = settings or get_settings()
    configure_logging(settings.log_format)
    runtime = build_runtime(settings)
    if settings.slack_enabled:
        from adapters.slack.app import SlackAdapter

        runtime.add_port(SlackAdapter(settings, runtime.engine, runtime.db).port)
    if settings.teams_enabled:
        from adapters.teams.app import TeamsAdapter

        runtime.add_port(TeamsAdapter(settings, runtime.engine, runtime.db).port)
    return runtime


async def register_own_tenants(settings: Settings) -> None:
    """Make a single-workspace install's tenant known (`auth.test`), as `serve` does at start-up.

    Raises:
        ConfigurationError: the platform refused the configured token.
    """
    runtime = create_worker_runtime(settings)
    try:
        await runtime.register_own_tenants()
    finally:
        for port in runtime.ports.values():
            await port.close()
        await runtime.db.close()


async def seed_demo(settings: Settings) -> str:
    """Seed the demo organisation; returns a one-line summary."""
    from programs.demo import seed_demo as seed

    db = Database(settings.database_url)
    try:
        tenant = await seed(db)
    finally:
        await db.close()
    return f"demo tenant {tenant.name!r} ({tenant.platform}:{tenant.external_id}) is ready"


async def enable_starter(settings: Settings, tenant_id: int) -> str:
    """Enable the starter programme for tenant `tenant_id` (idempotent); returns a one-line summary.

    Raises:
        ValueError: no tenant has that id.
    """
    from bot.models import Tenant, utcnow
    from programs.starter.enable import enable_starter as enable

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


def surveys_console() -> ModuleType:
    """Survey operations for `fivefold surveys` (the engine's CLI never imports programs itself)."""
    from programs.engage import console

    return console
def register_personal_data() -> None:
    """Every program's part of a member's data export and erasure (for `fivefold members export|forget`)."""
    programs.register_personal_data()


def slack_manifest(url: str, oauth: bool) -> dict[str, object]:
    """The Slack app manifest for `url`."""
    from adapters.slack.manifest import slack_manifest as manifest

    return manifest(url, oauth=oauth)


def teams_package(app_id: str, url: str) -> bytes:
    """The Teams app package (zip) for bot `app_id` at `url`."""
    from adapters.teams.manifest import teams_package as package

    return package(app_id, url)


async def ambassador_roster(session: AsyncSession, tenant_id: int) -> list[str]:
    """The tenant's CX ambassadors, one line each: area, name, platform id, hours a month."""
    from programs.ambassadors.service import roster

    return [
        f"{application.area}\t{member.name}\t{member.external_id}\t{application.hours_per_month} h/month"
        for application, member in await roster(session, tenant_id)
    ]


async def import_feedback(session: AsyncSession, tenant_id: int, text: str) -> str:
    """Import customer feedback from CSV text, all rows or none; returns a one-line summary.

    Raises:
        CsvImportError: naming every bad line (nothing is imported).
    """
    from programs.voice.importer import parse_feedback_csv
    from programs.voice.service import store_feedback

    result = await store_feedback(session, tenant_id, parse_feedback_csv(text))
    return f"{result.created} created, {result.unchanged} unchanged"


async def import_kpi_values(session: AsyncSession, tenant_id: int, text: str) -> str:
    """Enter KPI values from CSV text (columns kpi, period, value), all rows or none; returns a summary.

    Raises:
        CsvImportError: naming every bad line, unknown KPI or computed KPI (nothing is entered).
    """
    from programs.kpis.importer import import_kpi_values as enter

    return f"{await enter(session, tenant_id, text)} values entered"
