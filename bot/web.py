"""Fivefold's own HTTP endpoints: liveness, readiness and metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.db import Database, head_revision

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
