"""The inbound benchmark's baseline: the floor of Fivefold's stack.

A bare FastAPI app whose one POST endpoint does what every Slack request needs
and nothing more: the same Slack v0 HMAC check (slack_sdk's SignatureVerifier),
reading the form body, and one INSERT through the same async SQLAlchemy drivers
and pool settings as Fivefold (`bot.db.make_engine`: SQLite inline on one pooled
connection with WAL, or psycopg 3). Served by uvicorn in its own process:

    BENCH_DATABASE_URL=sqlite:///x.db SLACK_SIGNING_SECRET=… \
        python -m uvicorn tests.bench.baseline_app:create_app --factory

With BENCH_TEAMS_METADATA_URL and BENCH_TEAMS_APP_ID set it also serves
`POST /api/messages`, the Teams floor: the Bot Framework JWT checked with PyJWT
(RS256 with the key the OpenID metadata's JWKS publishes, fetched once at start;
issuer, audience, expiry with 5 min skew, the key's `msteams` endorsement and the
`serviceurl` claim against the activity), the JSON body parsed, one INSERT, 200.

The table is created by the benchmark before the server starts (see TABLE_DDL).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs

import httpx
import jwt
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

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
CLOCK_SKEW = 300


class TeamsKeys:
    """The channel's signing keys (from the OpenID metadata, fetched once) and the checks."""

    def __init__(self, metadata_url: str, app_id: str) -> None:
        self.metadata_url = metadata_url
        self.app_id = app_id
        self.issuer = ""
        self.keys: dict[str, tuple[Any, list[str]]] = {}

    async def fetch(self) -> None:
        async with httpx.AsyncClient(timeout=10) as client:
            metadata = (await client.get(self.metadata_url)).raise_for_status().json()
            jwks = (await client.get(metadata["jwks_uri"])).raise_for_status().json()
        self.issuer = metadata["issuer"]
        self.keys = {
            key["kid"]: (jwt.PyJWK(key).key, list(key.get("endorsements") or []))
            for key in jwks["keys"]
        }

    def verify(self, header: str, activity: dict[str, Any]) -> bool:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            return False
        try:
            found = self.keys.get(str(jwt.get_unverified_header(token).get("kid")))
            if found is None:
                return False
            key, endorsements = found
            claims = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=self.app_id,
                issuer=self.issuer,
                leeway=CLOCK_SKEW,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError:
            return False
        service_url = str(activity.get("serviceUrl") or "")
        return activity.get("channelId") in endorsements and str(
            claims.get("serviceurl", "")
        ).rstrip("/") == service_url.rstrip("/")


def reference_app(engine: AsyncEngine, start: Callable[[], Awaitable[None]]) -> FastAPI:
    """A FastAPI app that runs `start` on startup, disposes `engine` on shutdown and
    answers `/readyz` once the database does (the bench's reference apps share it)."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await start()
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

    return app


def create_app() -> FastAPI:
    """The baseline app (uvicorn factory), from BENCH_DATABASE_URL and SLACK_SIGNING_SECRET
    (and BENCH_TEAMS_METADATA_URL and BENCH_TEAMS_APP_ID for the Teams endpoint)."""
    engine = make_engine(os.environ["BENCH_DATABASE_URL"])
    verifier = SignatureVerifier(os.environ["SLACK_SIGNING_SECRET"])
    metadata_url = os.environ.get("BENCH_TEAMS_METADATA_URL")
    teams = TeamsKeys(metadata_url, os.environ["BENCH_TEAMS_APP_ID"]) if metadata_url else None

    async def start() -> None:
        if teams is not None:
            await teams.fetch()

    app = reference_app(engine, start)

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

    @app.post("/api/messages")
    async def messages(request: Request) -> Response:
        if teams is None:
            return Response("Teams not configured", status_code=404)
        body = await request.body()
        try:
            activity = json.loads(body)
        except ValueError:
            return Response("malformed activity", status_code=400)
        if not isinstance(activity, dict) or not teams.verify(
            request.headers.get("authorization", ""), activity
        ):
            return Response("unauthorized", status_code=401)
        sender = activity.get("from") or {}
        async with engine.begin() as conn:
            await conn.execute(
                INSERT,
                {
                    "trigger_id": str(activity.get("id", "")),
                    "team_id": str((activity.get("conversation") or {}).get("tenantId", "")),
                    "user_id": str(sender.get("aadObjectId", "")),
                    "body": str(activity.get("text", "")),
                    "created_at": dt.datetime.now(dt.UTC),
                },
            )
        return Response(status_code=200)

    return app
