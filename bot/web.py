"""Fivefold's own HTTP endpoints: liveness, readiness and metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.db import Database, head_revision

router = APIRouter()


@router.get("/healthz", include_in_schema=False)
async def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/readyz", include_in_schema=False)
async def readyz(request: Request) -> JSONResponse:
    """Readiness: the database answers and its schema is at the newest migration."""
    db: Database = request.app.state.db
    if not await db.ping():
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    current, head = await db.schema_revision(), head_revision()
    if current != head:
        body = {"status": "unavailable", "database": "behind", "at": current, "head": head}
        return JSONResponse(body, status_code=503)
    return JSONResponse({"status": "ok", "revision": current})


@router.get("/metrics", include_in_schema=False)
async def metrics() -> Response:
    """Prometheus metrics."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
