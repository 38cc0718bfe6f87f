"""Leases by lane: a person waiting never sits out a dead worker's long lease.

Interactive rows (kudos DMs, confirmations) are leased for `INTERACTIVE_LEASE`
at most, broadcast rows for the worker's lease; the heartbeat renews each by its
own. After `kill -9`, the dead worker's kudos DM is reconciled and recorded by
the next worker within seconds, while its broadcast rows still wait out their lease.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import Counter

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from app import create_worker_runtime
from bot.claims import claim_for_tenant, renew_leases
from bot.db import Database, sync_url
from bot.messages import Message, Text, compose
from bot.models import Delivery, Lane, TargetKind, utcnow
from bot.outbox import INTERACTIVE_LEASE, LEASE, Outgoing, enqueue_all
from bot.worker import DeliveryWorker
from tests import databases
from tests.conftest import make_settings
from tests.fakes.slack_api import FakeSlack
from tests.workers import (
    Process,
    kill_all,
    member_ids,
    seed_tenant_and_members,
    send_now,
    start_worker,
    status_counts,
    wait_for,
    wait_idle,
    worker_env,
)

MESSAGE = Message(fallback="hello", blocks=[Text(spans=compose("hello"))])
KUDOS_USER = "U0KUDOS01"


def seconds_left(row: Delivery, now: dt.datetime) -> float:
    assert row.lease_until is not None
    return (row.lease_until - now).total_seconds()


async def test_interactive_rows_get_the_short_lease_and_the_heartbeat_renews_each_by_its_lane(database_url):
    seed_tenant_and_members(database_url, member_ids(1))
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            rows = [Outgoing(1, f"occ:1:{n}", TargetKind.MEMBER, f"U{n}", MESSAGE, lane=Lane.BROADCAST)
                    for n in range(3)]
            rows.append(Outgoing(1, "kudos:1", TargetKind.MEMBER, "U9", MESSAGE))
            await enqueue_all(session, rows)
        now = utcnow()
        async with db.transaction() as session:
            claimed = list(await claim_for_tenant(session, 1, now=now, limit=10))
        leases = {row.lane: seconds_left(row, now) for row in claimed}
        assert leases == {"interactive": INTERACTIVE_LEASE.total_seconds(), "broadcast": LEASE.total_seconds()}

        later = now + dt.timedelta(seconds=2)
        async with db.transaction() as session:
            await renew_leases(session, [row.id for row in claimed if row.id is not None], now=later)
        async with db.transaction() as session:
            renewed = (await session.execute(text("select lane, lease_until from delivery"))).all()
        for lane, until in renewed:
            until = until if isinstance(until, dt.datetime) else dt.datetime.fromisoformat(until)
            expected = INTERACTIVE_LEASE if lane == "interactive" else LEASE
            assert abs((until.replace(tzinfo=dt.UTC) - (later + expected)).total_seconds()) < 0.01, lane
    finally:
        await db.close()


def test_a_worker_stalled_past_its_leases_posts_nothing_and_the_rows_go_out_once_after_reconciling(database_url):
    users = member_ids(5)
    seed_tenant_and_members(database_url, users)

    async def enqueue() -> None:
        db = Database(database_url)
        try:
            async with db.transaction() as session:
                await enqueue_all(session, [Outgoing(1, f"kudos:{uid}", TargetKind.MEMBER, uid, MESSAGE)
                                            for uid in users])
        finally:
            await db.close()

    asyncio.run(enqueue())
    with FakeSlack() as fake:
        settings = make_settings(database_url, fake.url, FIVEFOLD_SLACK_RATE_PER_SECOND=100.0)

        async def run() -> tuple[int, int]:
            runtime = create_worker_runtime(settings)
            worker = DeliveryWorker(runtime.db, runtime.ports, poll=0.05, lease=dt.timedelta(seconds=0.8))
            try:
                claimed, posting = await worker.claim_batch()
                time.sleep(1.0)  # noqa: ASYNC251 - the event loop stalls (CPU starved, a pause): no heartbeat
                await posting
                posted_after_stall = len(fake.calls_to("chat.postMessage"))
                deadline = time.monotonic() + 20
                while status_counts(database_url) != {"sent": len(users)} and time.monotonic() < deadline:
                    await worker.run_once()  # reclaims the expired rows, reconciles, then sends
                    await asyncio.sleep(0.05)
                return claimed, posted_after_stall
            finally:
                await runtime.ports["slack"].close()  # type: ignore[attr-defined]
                await runtime.db.close()

        claimed, posted_after_stall = asyncio.run(run())
        received = Counter({channel: len(kept) for channel, kept in fake.messages.items()})
        history = fake.calls_to("conversations.history")
    assert claimed == len(users)
    assert posted_after_stall == 0  # nothing posted on a lease another worker might already have taken
    assert status_counts(database_url) == {"sent": len(users)}
    assert all(received[fake.dm_channel(uid)] == 1 for uid in users)
    assert history  # the rows came back with their attempt counted: looked for before posting


@pytest.mark.timeout(90)
def test_a_killed_workers_kudos_dm_is_recorded_within_seconds_not_after_the_broadcast_lease(
    postgres_database, tmp_path
):
    url = postgres_database
    databases.truncate_postgres(url)
    users = member_ids(200)
    seed_tenant_and_members(url, users)
    engine = create_engine(sync_url(url))
    processes: list[Process] = []
    with FakeSlack() as fake:
        fake.delay = 0.5  # each post takes half a second: the worker holds rows while they are on the wire
        env = worker_env(url, fake.url, FIVEFOLD_SLACK_RATE_PER_SECOND=40, FIVEFOLD_SLACK_BURST=10)
        try:
            processes.append(start_worker(env, tmp_path / "first.log"))
            wait_idle(processes[0])
            send_now(url)
            fake.wait_for("chat.postMessage", 20, timeout=30)
            with engine.begin() as conn:
                conn.execute(Delivery.__table__.insert().values(  # type: ignore[attr-defined]
                    tenant_id=1, dedupe_key="kudos:1", target_kind="member", target_id=KUDOS_USER, locale="en",
                    lane=Lane.INTERACTIVE.value, message=MESSAGE.model_dump(mode="json"), status="pending",
                    attempts=0, due_at=utcnow(), created_at=utcnow()))
            wait_for(lambda: any(c.params.get("channel") == KUDOS_USER for c in fake.calls_to("chat.postMessage")),
                     timeout=20, message="the kudos DM reached the fake")
            processes[0].kill()  # the kudos post is on the wire: it lands, unrecorded
            killed = time.monotonic()
            fake.delay = 0.0
            dead_broadcast = in_flight_broadcast(engine)
            assert dead_broadcast  # the dead worker held broadcast rows too

            processes.append(start_worker(env, tmp_path / "second.log"))
            wait_for(lambda: kudos_status(engine) == "sent", timeout=30, message="the kudos DM recorded")
            recorded_after = time.monotonic() - killed
            still_leased = dead_broadcast & in_flight_broadcast(engine)
            wait_for(lambda: status_counts(url) == {"sent": len(users) + 1}, timeout=45, message="all sent")
            time.sleep(0.3)
        finally:
            kill_all(processes)
            engine.dispose()
        received = Counter({channel: len(kept) for channel, kept in fake.messages.items()})
    assert recorded_after < LEASE.total_seconds() - 3, recorded_after  # the short lease, plus a start-up
    assert still_leased  # meanwhile the dead worker's broadcast rows still waited out their lease
    assert received[fake.dm_channel(KUDOS_USER)] == 1  # reconciled, not posted again
    assert all(received[fake.dm_channel(uid)] == 1 for uid in users)
    assert '"event": "delivery.reconciled"' in processes[1].output()


def in_flight_broadcast(engine: Engine) -> set[int]:
    with engine.connect() as conn:
        query = text("select id from delivery where status = 'in_flight' and lane = 'broadcast'")
        return set(conn.execute(query).scalars())


def kudos_status(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return conn.execute(text("select status from delivery where dedupe_key = 'kudos:1'")).scalar()
