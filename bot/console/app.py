"""Mounting the console on the FastAPI app: session middleware, static files, the pages in the registry."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, HTTPException, Request, status
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from bot.console import auth_routes
from bot.console.errors import console_http_error
from bot.console.oidc import oidc_client
from bot.console.pages import register_engine_pages
from bot.console.registry import ConsoleRegistry
from bot.console.session import COOKIE, AdminViewer, session_secret
from bot.console.sessions import LIFETIME
from bot.settings import Settings

STATIC = Path(__file__).resolve().parent / "static"

manifest_router = APIRouter(include_in_schema=False)


@manifest_router.get("/admin/manifest/{platform}")
async def manifest(platform: str, request: Request, viewer: AdminViewer) -> Response:
    """The platform's app manifest (Slack JSON, Teams zip) for this Fivefold's public URL."""
    registry: ConsoleRegistry = request.app.state.console
    download = registry.manifests.get(platform)
    if download is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no manifest for that platform here")
    settings: Settings = request.app.state.runtime.settings
    try:
        body = download.build(settings.public_url)
    except ValueError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    return Response(body, media_type=download.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{download.filename}"'})


def new_registry() -> ConsoleRegistry:
    """A registry holding the engine's pages; programs add theirs before `mount_console`."""
    registry = ConsoleRegistry()
    register_engine_pages(registry)
    return registry


def mount_console(app: FastAPI, settings: Settings, registry: ConsoleRegistry) -> None:
    """Serve `/`, `/auth/*`, `/admin/*` and `/console-static/*` on `app`."""
    app.state.console = registry
    app.state.oidc = oidc_client(settings)
    app.add_middleware(SessionMiddleware, secret_key=session_secret(settings), session_cookie=COOKIE,
                       max_age=int(LIFETIME.total_seconds()), same_site="lax",
                       https_only=settings.environment not in ("development", "test"))
    app.add_exception_handler(StarletteHTTPException, console_http_error)
    app.mount("/console-static", StaticFiles(directory=STATIC), name="console-static")
    app.include_router(auth_routes.router)
    app.include_router(manifest_router)
    for console_page in registry.pages:
        app.include_router(console_page.router, prefix="/admin" + console_page.path, include_in_schema=False)
