"""The inbound benchmark's Bolt floors: what slack-bolt, and Fivefold's SQL, cost alone.

The baseline (`tests.bench.baseline_app`) answers a slash command with a bare
FastAPI endpoint. Fivefold must answer it through slack-bolt (issue 2: "slack-bolt
`AsyncApp` mounted at `POST /slack/events`"), so this app measures what Bolt alone
costs: the same FastAPI, the same Slack HMAC check (Bolt's own request
verification, slack_sdk's SignatureVerifier as in the baseline), Bolt's middleware
chain and listener dispatch, then the baseline's one INSERT and an ephemeral
"Kudos sent" ack. No parsing, no rules, no outbox: whatever this reaches is an
upper bound for Fivefold's `/kudos`, which does all of that and more.

With BENCH_FLOOR=kudos-sql (on a migrated Fivefold database) the listener runs,
instead of the one INSERT, the statements Fivefold's `/kudos` must run in its one
transaction, built by Fivefold's own code and executed on a Core connection: the
tenant and members (locking the giver on PostgreSQL), the event's dedupe key, the
giver's count for the day, the kudos row, its value tag and the two outbox rows
(channel card and DM, with a fixed message body). No parsing, no rules, no
rendering, no ORM: the floor of the work the issue asks of each kudos.

    BENCH_DATABASE_URL=sqlite:///x.db SLACK_SIGNING_SECRET=… [BENCH_FLOOR=kudos-sql] \
        python -m uvicorn tests.bench.bolt_floor_app:create_app --factory

Authorization is a constant (no `auth.test`), as cheap as Fivefold's single-workspace
mode after its first, cached `auth.test`.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.db import make_engine
from bot.engine import _claim_statement
from bot.members import _world_query
from bot.models import Member, Tenant
from bot.outbox import _enqueue_statement
from programs.reward.kudos import GIVEN_ON_DAY, INSERT_KUDOS, TAG_GIFT
from programs.reward.models import KudosValue
from tests.bench.baseline_app import INSERT, REPLY, reference_app
from tests.bench.common import user_ids
from tests.fakes.slack_api import TEAM

# an outbox message about the size of a rendered kudos card
MESSAGE = {
    "fallback": "Ada gave kudos to Grace: great work",
    "blocks": [
        {"type": "text", "spans": [{"kind": "member", "value": "U0BENCH00001"}, {"kind": "text", "value": " "}]},
        {"type": "text", "spans": [{"kind": "text", "value": "great work"}]},
        {"type": "context", "spans": [{"kind": "text", "value": "#customer-first"}]},
    ],
}
Work = Callable[[AsyncConnection, dict[str, Any]], Awaitable[None]]


async def insert_one(conn: AsyncConnection, command: dict[str, Any]) -> None:
    """The baseline's work: one INSERT."""
    await conn.execute(
        INSERT,
        {
            "trigger_id": command.get("trigger_id", ""),
            "team_id": command.get("team_id", ""),
            "user_id": command.get("user_id", ""),
            "body": command.get("text", ""),
            "created_at": dt.datetime.now(dt.UTC),
        },
    )


async def seed(engine: AsyncEngine, users: int) -> int:
    """The benchmark's workspace, its members and the default values; the value's id."""
    now = dt.datetime.now(dt.UTC)
    async with engine.begin() as conn:
        tenant_id = (
            await conn.execute(
                insert(Tenant.__table__)  # type: ignore[attr-defined]
                .values(platform="slack", external_id=TEAM, name="bench", default_locale="en",
                        default_timezone="UTC", created_at=now)
                .returning(Tenant.__table__.c.id)  # type: ignore[attr-defined]
            )
        ).scalar_one()
        await conn.execute(
            insert(Member.__table__),  # type: ignore[attr-defined]
            [
                {"tenant_id": tenant_id, "external_id": uid, "display_name": uid, "real_name": uid,
                 "timezone": "Europe/Warsaw", "locale": "en", "is_bot": False, "is_deleted": False,
                 "profile_synced_at": now, "created_at": now}
                for uid in user_ids(users)
            ],
        )
        value_id: int = (
            await conn.execute(
                insert(KudosValue.__table__)  # type: ignore[attr-defined]
                .values(tenant_id=tenant_id, slug="customer-first", position=0, active=True)
                .returning(KudosValue.__table__.c.id)  # type: ignore[attr-defined]
            )
        ).scalar_one()
    return value_id


def kudos_sql(dialect: str, value_id: int) -> Work:
    """Fivefold's statements for one `/kudos` to one receiver, with nothing around them."""
    world, claim, enqueue = _world_query(dialect, True), _claim_statement(dialect), _enqueue_statement(dialect)

    async def work(conn: AsyncConnection, command: dict[str, Any]) -> None:
        receiver = command["text"].split(">", 1)[0].removeprefix("<@").split("|", 1)[0]
        giver = command["user_id"]
        rows = (
            await conn.execute(world, {"platform": "slack", "tenant": command["team_id"], "ids": [giver, receiver]})
        ).all()
        ids = {row.external_id: row.id for row in rows}
        tenant_id, now = rows[0].tenant_id, dt.datetime.now(dt.UTC)
        key = f"slack:{command['trigger_id']}"
        if (await conn.execute(claim, {"key": key, "tenant_id": tenant_id, "created_at": now})).first() is None:
            return
        day = now.date()
        (await conn.execute(GIVEN_ON_DAY, {"giver": ids[giver], "day": day})).scalar_one()
        gift = uuid.uuid4().hex
        await conn.execute(
            INSERT_KUDOS,
            {"tenant_id": tenant_id, "gift_key": gift, "giver_id": ids[giver], "receiver_id": ids[receiver],
             "message": "great work", "channel_id": command.get("channel_id"), "source": "command",
             "source_ref": None, "given_on": day, "created_at": now},
        )
        await conn.execute(TAG_GIFT, {"gift": gift, "value": value_id})
        outbox = [
            {"tenant_id": tenant_id, "dedupe_key": f"kudos:{gift}:{part}", "target_kind": kind,
             "target_id": target, "member_id": member, "locale": "en", "message": MESSAGE,
             "status": "pending", "attempts": 0, "due_at": now, "created_at": now}
            for part, kind, target, member in (
                ("card", "channel", command.get("channel_id") or "C0", None),
                ("dm", "member", receiver, ids[receiver]),
            )
        ]
        (await conn.execute(enqueue, outbox)).all()

    return work


def create_app() -> FastAPI:
    """The Bolt floor app (uvicorn factory), from BENCH_DATABASE_URL and SLACK_SIGNING_SECRET
    (BENCH_FLOOR=kudos-sql: Fivefold's statements instead of one INSERT; BENCH_USERS)."""
    engine = make_engine(os.environ["BENCH_DATABASE_URL"])
    works: dict[str, Work] = {"insert": insert_one}

    async def authorize(team_id: str | None = None, **_: Any) -> AuthorizeResult:
        return AuthorizeResult(
            enterprise_id=None,
            team_id=team_id,
            bot_token="xoxb-bolt-floor",  # never sent anywhere
            bot_user_id="UBOLTFLOOR",
            bot_id="BBOLTFLOOR",
        )

    bolt = AsyncApp(
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        authorize=authorize,
        process_before_response=True,
    )

    @bolt.command("/kudos")
    async def kudos(ack: Any, command: dict[str, Any]) -> None:
        async with engine.begin() as conn:
            await works["work"](conn, command)
        await ack(response_type=REPLY["response_type"], text=REPLY["text"])

    handler = AsyncSlackRequestHandler(bolt)

    async def start() -> None:
        if os.environ.get("BENCH_FLOOR") == "kudos-sql":
            value_id = await seed(engine, int(os.environ.get("BENCH_USERS", "200")))
            works["work"] = kudos_sql(engine.dialect.name, value_id)
        else:
            works["work"] = insert_one

    app = reference_app(engine, start)

    @app.post("/slack/events")
    async def events(request: Request) -> Response:
        return await handler.handle(request)

    return app
