"""Fairness: a big broadcast delays neither another tenant's messages nor anyone's kudos.

Real parts: the worker sends through the Slack port to the fake Slack Web API on
loopback, which enforces a workspace limit Fivefold is not told (and 1/s per channel);
kudos are real signed slash commands to Fivefold served by uvicorn.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections import Counter
from typing import Any

import httpx
from sqlalchemy import text

from app import create_worker_runtime
from bot.db import Database
from bot.messages import Message, Text, compose
from bot.models import Lane, TargetKind
from bot.outbox import Outgoing, enqueue_all
from bot.worker import DeliveryWorker
from tests.conftest import Served, make_settings
from tests.fakes.slack_api import FakeSlack, RateLimit, Scripted
from tests.slack_requests import SlackSender
from tests.workers import member_ids, seed_tenant_and_members, send_now, status_counts

NO_CEILING = {"FIVEFOLD_SLACK_RATE_PER_SECOND": None, "FIVEFOLD_SLACK_BURST": 20}


def note_posts(fake: FakeSlack) -> dict[str, float]:
    """Record when each channel first got an accepted post (monotonic seconds)."""
    first: dict[str, float] = {}
    original = fake.api_chat_postMessage
    lock = threading.Lock()

    def noted(params: dict[str, Any]) -> Scripted:
        result = original(params)
        if result.status == 200 and result.body.get("ok"):
            with lock:
                first.setdefault(str(result.body["channel"]), time.monotonic())
        return result

    fake.api_chat_postMessage = noted  # type: ignore[method-assign]
    return first


async def enqueue(database_url: str, tenant_external: str, keys: list[str], lane: Lane) -> None:
    db = Database(database_url)
    message = Message(fallback="hi", blocks=[Text(spans=compose("hi"))])
    try:
        async with db.transaction() as session:
            query = text("select id from tenant where external_id = :t")
            tenant = (await session.execute(query, {"t": tenant_external})).scalar_one()
            outgoing = [Outgoing(tenant, f"{lane.value}:{uid}", TargetKind.MEMBER, uid, message, lane=lane)
                        for uid in keys]
            await enqueue_all(session, outgoing)
    finally:
        await db.close()


def test_one_tenants_broadcast_delays_neither_another_tenant_nor_its_own_interactive_messages(database_url):
    big = member_ids(400)
    seed_tenant_and_members(database_url, big, team="T0BIG0001")
    seed_tenant_and_members(database_url, member_ids(1, "U0SMALL"), team="T0SMALL01")
    send_now_for(database_url, "T0BIG0001")
    with FakeSlack() as fake:
        fake.rate_limit = RateLimit(per_second=100, burst=20, per_channel=1.0)
        first = note_posts(fake)
        settings = make_settings(database_url, fake.url, **NO_CEILING)

        async def run() -> dict[str, float]:
            runtime = create_worker_runtime(settings)
            worker = DeliveryWorker(runtime.db, runtime.ports, poll=0.05)
            stop = asyncio.Event()
            task = asyncio.ensure_future(worker.run_forever(stop))
            try:
                await asyncio.sleep(1.0)  # the broadcast is draining at the budget found so far
                enqueued = time.monotonic()
                await enqueue(database_url, "T0SMALL01", member_ids(5, "U0OTHER"), Lane.BROADCAST)
                await enqueue(database_url, "T0BIG0001", member_ids(3, "U0KUDOS"), Lane.INTERACTIVE)
                worker.nudge()
                deadline = time.monotonic() + 10
                wanted = [fake.dm_channel(uid) for uid in member_ids(5, "U0OTHER") + member_ids(3, "U0KUDOS")]
                while time.monotonic() < deadline and not all(channel in first for channel in wanted):  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
                return {channel: first.get(channel, float("inf")) - enqueued for channel in wanted}
            finally:
                stop.set()
                await task
                await runtime.ports["slack"].close()
                await runtime.db.close()

        delays = asyncio.run(run())
        backlog = status_counts(database_url).get("pending", 0)
    assert backlog > 100, "the broadcast was not still draining: the test proves nothing"
    assert max(delays.values()) < 2.0, delays  # seconds, with hundreds of the other tenant's rows waiting


def send_now_for(database_url: str, team: str) -> None:
    """`send_now` for one of several tenants (the helper picks the only one)."""
    engine_url = database_url
    db_tenants = asyncio.run(_tenant_ids(engine_url))
    target = db_tenants[team]
    asyncio.run(_send_now(engine_url, target))


async def _tenant_ids(database_url: str) -> dict[str, int]:
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            rows = await session.execute(text("select external_id, id from tenant"))
            return {str(external): int(tenant_id) for external, tenant_id in rows.all()}
    finally:
        await db.close()


async def _send_now(database_url: str, tenant_id: int) -> None:
    from bot.broadcasts.audience import Roles
    from bot.broadcasts.service import send_now
    from bot.models import Tenant
    from programs.campaigns.schemas import CampaignIn
    from programs.campaigns.service import create_campaign
    from tests.workers import CAMPAIGN

    db = Database(database_url)
    try:
        async with db.transaction() as session:
            tenant = await session.get(Tenant, tenant_id)
            assert tenant is not None
            campaign = await create_campaign(session, tenant, CampaignIn.model_validate(CAMPAIGN))
            await send_now(session, campaign, tenant, roles=Roles())
    finally:
        await db.close()


def test_kudos_during_a_broadcast_go_out_within_seconds_at_a_limit_nobody_configured(database_url):
    members = member_ids(400)
    givers, receivers = member_ids(12, "U0GIVE"), member_ids(12, "U0GETS")
    seed_tenant_and_members(database_url, members + givers + receivers)
    send_now(database_url)
    with FakeSlack() as fake:
        for uid in givers + receivers:
            fake.add_user(uid, uid.title())
        fake.rate_limit = RateLimit(per_second=60, burst=10, per_channel=1.0)
        first = note_posts(fake)
        with Served(make_settings(database_url, fake.url, **NO_CEILING)) as served:
            slack = SlackSender(served.base_url)
            given: dict[str, float] = {}
            for giver, receiver in zip(givers, receivers, strict=True):
                time.sleep(0.7)
                given[receiver] = time.monotonic()
                assert "Kudos sent" in slack.command("/kudos", f"<@{receiver}> thanks", user=giver).text
            deadline = time.monotonic() + 40
            while status_counts(database_url).get("pending") and time.monotonic() < deadline:
                time.sleep(0.2)
            finished = time.monotonic()
            metrics = httpx.get(f"{served.base_url}/metrics").text
        started = min(given.values()) - 0.7
    delays = sorted(first.get(fake.dm_channel(uid), float("inf")) - at for uid, at in given.items())
    assert delays[-1] < 4.0, f"kudos DM delays {delays}"
    received = Counter({channel: len(kept) for channel, kept in fake.messages.items()})
    assert all(received[fake.dm_channel(uid)] == 1 for uid in members), "a member got the broadcast twice or not"
    everyone = len(members) + len(givers) + len(receivers)  # the broadcast's audience
    assert status_counts(database_url) == {"sent": everyone + 2 * len(givers)}  # and a card and a DM per kudos
    posts = len(fake.calls_to("chat.postMessage"))
    assert fake.rate_limit.limited <= 0.1 * posts, f"{fake.rate_limit.limited} of {posts} calls were 429s"
    broadcast = sorted(first[fake.dm_channel(uid)] for uid in members)
    rate = (len(broadcast) - 1) / (broadcast[-1] - broadcast[0])
    # in this one busy test process (app, worker and fake share a GIL) the bar is low: the benchmark,
    # with the worker in its own process, measures how close the rate found comes to the limit
    assert rate >= 0.25 * 60, f"the broadcast went at {rate:.0f}/s of the 60/s allowed"
    assert finished - started < 40
    found = re.search(r'fivefold_send_rate_per_second\{tenant="slack:T0FIVE001"\} ([0-9.]+)', metrics)
    assert found and 10 < float(found.group(1)) <= 100, "the rate found is not shown in /metrics"
