"""Fivefold's own HTTP endpoints: liveness, readiness and metrics."""

from __future__ import annotations

import structlog
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot import shared_metrics
from bot.db import Database, head_revision, within

log = structlog.get_logger(__name__)

READY_SECONDS = 1.5  # a database that does not answer within this is unreachable
router = APIRouter()


async def read_body_limited(request: Request, limit: int) -> bytes | None:
    """The request body, or None when it is over `limit` bytes.

    A declared `Content-Length` over the limit is refused before anything is read, and
    the stream is cut off as soon as it passes the limit, so a big body never sits in memory.
    """
    declared = request.headers.get("content-length", "")
    if declared and (not (declared.isascii() and declared.isdigit()) or len(declared) > 12 or int(declared) > limit):
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


@router.get("/healthz", include_in_schema=False)
async def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


async def _revision_if_up(db: Database) -> tuple[str | None] | None:
    """The schema revision in a tuple (it may be None), or None when the database fails."""
    try:
        return (await db.schema_revision(),)
    except Exception:
        return None


@router.get("/readyz", include_in_schema=False)
async def readyz(request: Request) -> JSONResponse:
    """Readiness: the database answers and its schema is at the newest migration."""
    db: Database = request.app.state.db
    found = await within(READY_SECONDS, _revision_if_up(db))
    if found is None:
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    current, head = found[0], head_revision()
    if current != head:
        body = {"status": "unavailable", "database": "behind", "at": current, "head": head}
        return JSONResponse(body, status_code=503)
    return JSONResponse({"status": "ok", "revision": current})


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    """Prometheus metrics, with the figures all processes share read from the database (`bot.shared_metrics`).

    A database that does not answer within `READY_SECONDS` leaves those as they were.
    """
    await within(READY_SECONDS, _refresh_if_up(request.app.state.db))
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


async def _refresh_if_up(db: Database) -> None:
    try:
        await shared_metrics.refresh(db)
    except Exception:
        log.warning("metrics.database_unavailable")
