"""The inbound benchmark's baseline: the floor of Fivefold's stack.

A bare FastAPI app whose one POST endpoint does what every Slack request needs
and nothing more: the same Slack v0 HMAC check (slack_sdk's SignatureVerifier),
reading the form body, and one INSERT through the same async SQLAlchemy drivers
and pool settings as Fivefold (aiosqlite on one pooled connection with WAL, or
psycopg 3). Served by uvicorn in its own process:

    BENCH_DATABASE_URL=sqlite:///x.db SLACK_SIGNING_SECRET=… \
        python -m uvicorn tests.bench.baseline_app:create_app --factory

The table is created by the benchmark before the server starts (see TABLE_DDL).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import parse_qs

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import text

from bot.db import make_engine

TABLE = "bench_baseline_kudos"
TABLE_DDL = {
    "sqlite": (
        f"CREATE TABLE IF NOT EXISTS {TABLE} (id INTEGER PRIMARY KEY AUTOINCREMENT, "
        "trigger_id VARCHAR(200) NOT NULL UNIQUE, team_id VARCHAR(50) NOT NULL, "
        "user_id VARCHAR(50) NOT NULL, body TEXT NOT NULL, created_at TIMESTAMP NOT NULL)"
    ),
    "postgresql": (
        f"CREATE TABLE IF NOT EXISTS {TABLE} (id BIGSERIAL PRIMARY KEY, "
        "trigger_id VARCHAR(200) NOT NULL UNIQUE, team_id VARCHAR(50) NOT NULL, "
        "user_id VARCHAR(50) NOT NULL, body TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL)"
    ),
}
INSERT = text(
    f"INSERT INTO {TABLE} (trigger_id, team_id, user_id, body, created_at) "
    "VALUES (:trigger_id, :team_id, :user_id, :body, :created_at)"
)
REPLY = {"response_type": "ephemeral", "text": "Kudos sent"}


def create_app() -> FastAPI:
    """The baseline app (uvicorn factory), from BENCH_DATABASE_URL and SLACK_SIGNING_SECRET."""
    engine = make_engine(os.environ["BENCH_DATABASE_URL"])
    verifier = SignatureVerifier(os.environ["SLACK_SIGNING_SECRET"])

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await engine.dispose()

    app = FastAPI(lifespan=lifespan)

    @app.get("/readyz")
    async def readyz() -> dict[str, str]:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return {"status": "ok"}

    @app.post("/slack/events")
    async def events(request: Request) -> Response:
        body = await request.body()
        if not verifier.is_valid_request(body, dict(request.headers)):
            return Response("invalid signature", status_code=401)
        fields = {key: values[0] for key, values in parse_qs(body.decode("utf-8")).items()}
        async with engine.begin() as conn:
            await conn.execute(
                INSERT,
                {
                    "trigger_id": fields.get("trigger_id", ""),
                    "team_id": fields.get("team_id", ""),
                    "user_id": fields.get("user_id", ""),
                    "body": fields.get("text", ""),
                    "created_at": dt.datetime.now(dt.UTC),
                },
            )
        return JSONResponse(REPLY)

    return app
