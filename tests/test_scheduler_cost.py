"""The scheduler's cost and isolation: materialised slots cost nothing, a failing campaign stops no one."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from sqlalchemy import event, text
from sqlmodel import select

from bot.api.keys import Role as KeyRole
from bot.api.keys import create_api_key
from bot.broadcasts.audience import Roles
from bot.broadcasts.materialise import SCHEDULE
from bot.broadcasts.models import Broadcast, Occurrence
from bot.broadcasts.planning import LEAD
from bot.broadcasts.schedule import slots_between
from bot.broadcasts.scheduler import BroadcastScheduler
from bot.db import Database
from bot.models import Tenant, utcnow
from programs.campaigns.schemas import CampaignIn
from programs.campaigns.service import create_campaign
from tests.conftest import Served, make_settings
from tests.fakes.slack_api import FakeSlack
from tests.workers import member_ids, seed_tenant_and_members

SOON = {"kind": "once", "timezone": "UTC"}


def campaign(name: str, **fields: Any) -> CampaignIn:
    at = (utcnow() + dt.timedelta(minutes=5)).replace(tzinfo=None).isoformat(timespec="minutes")
    data = {"name": name, "lever": "inform", "message": {"text": "Tip"}, "audience": {"kind": "everyone"},
            "schedule": {**SOON, "at": at}, **fields}
    return CampaignIn.model_validate(data)


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """Every SQL statement `db` runs inside the block."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", note)


async def add_campaign(db: Database, team: str, data: CampaignIn) -> int:
    async with db.transaction() as session:
        tenant = (await session.execute(select(Tenant).where(Tenant.external_id == team))).scalars().one()
        created = await create_campaign(session, tenant, data)
        assert created.id is not None
        return created.id


def test_a_tick_over_an_already_materialised_30000_member_campaign_resolves_no_audience(database_url):
    seed_tenant_and_members(database_url, member_ids(30_000))

    async def run() -> tuple[int, list[str]]:
        db = Database(database_url)
        try:
            campaign_id = await add_campaign(db, "T0FIVE001", campaign("Big"))
            async with db.transaction() as session:  # its slot was materialised by an earlier tick
                big = await session.get(Broadcast, campaign_id)
                assert big is not None
                [slot] = slots_between(SCHEDULE.validate_python(big.schedule), big.created_at, utcnow() + LEAD)
                session.add(Occurrence(tenant_id=big.tenant_id, broadcast_id=campaign_id, slot=slot.key,
                                       first_due_at=utcnow(), recipients=30_000))
            scheduler = BroadcastScheduler(db, roles=Roles())
            with statements(db) as seen:
                created = await scheduler.tick()
            await scheduler.leadership.release()
            return created, seen
        finally:
            await db.close()

    created, seen = asyncio.run(run())
    assert created == 0
    assert not [sql for sql in seen if "FROM member" in sql], "the audience was resolved again"
    assert not [sql for sql in seen if "INSERT" in sql.upper()], "delivery rows were built again"
    assert len(seen) <= 4, seen  # leadership, the active campaigns, the existing slots


def test_a_campaign_that_cannot_be_materialised_is_marked_for_its_owner_and_blocks_no_one(database_url):
    seed_tenant_and_members(database_url, member_ids(3), team="T0BAD0001")
    seed_tenant_and_members(database_url, member_ids(3, "U0GOOD"), team="T0GOOD001")

    async def setup() -> tuple[dict[str, int], str]:
        db = Database(database_url)
        try:
            ids = {
                "nul": await add_campaign(db, "T0BAD0001", campaign("Poisoned", audience={"kind": "segment"})),
                "good": await add_campaign(db, "T0GOOD001", campaign("Healthy")),
            }
            async with db.transaction() as session:  # stored before input was checked, or edited in the database
                await session.execute(text("update broadcast set audience = :a where id = :id"),
                                      {"a": '{"kind": "segment", "department": ["Sales\\u0000"]}', "id": ids["nul"]})
                tenant = (await session.execute(select(Tenant).where(Tenant.external_id == "T0BAD0001"))).scalars()
                owner = tenant.one()
                assert owner.id is not None
                key = (await create_api_key(session, tenant_id=owner.id, role=KeyRole.ANALYST, name="owner"))[1]
            scheduler = BroadcastScheduler(db, roles=Roles())
            await scheduler.tick()
            await scheduler.tick()  # the failed ones rest; nothing raises
            await scheduler.leadership.release()
            return ids, key
        finally:
            await db.close()

    ids, key = asyncio.run(setup())

    async def occurrences() -> dict[int, int]:
        db = Database(database_url)
        try:
            async with db.transaction() as session:
                rows = (await session.execute(select(Occurrence.broadcast_id))).scalars().all()
                return {campaign_id: rows.count(campaign_id) for campaign_id in set(rows)}
        finally:
            await db.close()

    made = asyncio.run(occurrences())
    assert made.get(ids["good"]) == 1  # the other tenant's campaign went on
    with FakeSlack() as fake, Served(make_settings(database_url, fake.url)) as served:
        headers = {"Authorization": f"Bearer {key}"}
        shown = {c["id"]: c for c in httpx.get(f"{served.base_url}/api/v1/campaigns", headers=headers).json()}
    # the stored audience no longer passes the input rules (no NUL): refused before any SQL, on both engines
    assert ids["nul"] not in made
    assert shown[ids["nul"]]["last_error"].startswith("ValidationError") and shown[ids["nul"]]["failed_at"]
    assert shown[ids["nul"]]["audience"]["department"] == ["Sales\u0000"]  # shown as stored, not a 500
    assert ids["good"] not in shown  # another tenant's campaign is not shown to this owner
