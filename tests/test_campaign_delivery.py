"""Campaigns end to end: materialised once, delivered once per recipient through the fake Slack API."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter

from sqlmodel import select

from bot.broadcasts.audience import Roles
from bot.broadcasts.models import Broadcast
from bot.broadcasts.scheduler import BroadcastScheduler
from bot.broadcasts.service import progress, send_now
from bot.db import Database
from bot.models import Tenant
from programs.campaigns.schemas import CampaignIn
from programs.campaigns.service import create_campaign
from tests.conftest import ALICE, BOB, CAROL, DAVE, GONE, ROBOT, scalar, wait_until

HUMANS = {ALICE, BOB, CAROL, DAVE}


def meet_everyone(slack) -> None:
    for user in (*HUMANS, ROBOT, GONE):
        slack.command("/cx", "help", user=user)


def campaign_data(**schedule) -> CampaignIn:
    return CampaignIn.model_validate({
        "name": "CX tip", "lever": "inform",
        "message": {"header": "Tip of the week", "text": "Answer within an hour <!channel>",
                    "translations": {"pl": {"text": "Odpowiadaj w ciągu godziny"}}},
        "audience": {"kind": "everyone"},
        "schedule": schedule or {"kind": "once", "at": "2030-01-01T09:00", "timezone": "UTC"},
    })


async def in_db(url: str, work):
    db = Database(url)
    try:
        async with db.transaction() as session:
            tenant = (await session.execute(select(Tenant))).scalars().one()
            return await work(session, tenant)
    finally:
        await db.close()


def test_send_now_reaches_every_active_human_exactly_once(slack, fake_slack, database_url, sql):
    meet_everyone(slack)

    async def create_and_send(session, tenant):
        campaign = await create_campaign(session, tenant, campaign_data())
        return (await send_now(session, campaign, tenant, roles=Roles())).id

    occurrence_id = asyncio.run(in_db(database_url, create_and_send))
    wait_until(lambda: scalar(sql, "select count(*) from delivery where status='sent'") == 4, message="4 sent")
    dms = [c for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] in HUMANS | {ROBOT, GONE}]
    assert Counter(c.params["channel"] for c in dms) == Counter(HUMANS)
    bob = next(c for c in dms if c.params["channel"] == BOB)
    assert "Odpowiadaj w ciągu godziny" in str(bob.params["blocks"])
    alice = next(c for c in dms if c.params["channel"] == ALICE)
    assert "&lt;!channel&gt;" in str(alice.params["blocks"])

    async def counts(session, _tenant):
        return await progress(session, occurrence_id)

    result = asyncio.run(in_db(database_url, counts))
    assert result["sent"] == 4 and result["pending"] == 0 and result["failed"] == 0 and result["total"] == 4


def seed_members(sql) -> None:
    """A tenant and four members, written directly (no server: this test is the scheduler)."""
    with sql.begin() as conn:
        conn.exec_driver_sql(
            "insert into tenant (platform, external_id, name, default_locale, default_timezone, created_at) "
            "values ('slack', 'T0FIVE001', 'Test', 'en', 'UTC', CURRENT_TIMESTAMP)")
        for user in sorted(HUMANS):
            conn.exec_driver_sql(
                "insert into member (tenant_id, external_id, display_name, real_name, is_bot, is_deleted, created_at) "
                f"values (1, '{user}', '{user}', '', false, false, CURRENT_TIMESTAMP)")


def test_two_schedulers_ticking_materialise_each_slot_once(database_url, sql):
    seed_members(sql)
    now = dt.datetime.now(dt.UTC)

    async def create(session, tenant):
        data = campaign_data(kind="recurring", cron="* * * * *", timezone="UTC")
        campaign = await create_campaign(session, tenant, data)
        campaign.created_at = now - dt.timedelta(minutes=3)
        return campaign.id

    asyncio.run(in_db(database_url, create))

    async def tick_twice() -> list[int]:
        first = BroadcastScheduler(Database(database_url), roles=Roles())
        second = BroadcastScheduler(Database(database_url), roles=Roles())
        try:
            counts = [await first.tick(now), await second.tick(now)]
            if first.db.dialect == "postgresql":
                assert counts[1] == 0  # only the advisory-lock holder ticks
            counts.append(await first.tick(now))
            return counts
        finally:
            for scheduler in (first, second):
                await scheduler.stop()
                await scheduler.db.close()

    counts = asyncio.run(tick_twice())
    occurrences = scalar(sql, "select count(*) from occurrence")
    assert counts[0] == occurrences and sum(counts) == occurrences
    assert occurrences >= 10  # the last few minutes (since creation) and the 10-minute lead
    assert scalar(sql, "select count(*) from delivery") == occurrences * 4
    assert scalar(sql, "select count(distinct dedupe_key) from delivery") == occurrences * 4
    assert scalar(sql, "select count(*) from broadcast") == 1
    assert Broadcast.__tablename__ == "broadcast"
