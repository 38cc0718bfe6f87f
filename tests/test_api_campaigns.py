"""The admin API over real HTTP: campaigns and occurrence progress, keys, roles and tenancy."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import Counter

import httpx
import pytest
from sqlalchemy import text
from sqlmodel import select

from bot.api.keys import Role, create_api_key
from bot.broadcasts.audience import Roles
from bot.broadcasts.materialise import materialise
from bot.broadcasts.models import Broadcast
from bot.broadcasts.schedule import Slot
from bot.db import Database
from bot.models import Tenant
from tests.conftest import ALICE, BOB, CAROL, DAVE, GONE, ROBOT, scalar
from tests.http_clients import http_client

HUMANS = {ALICE, BOB, CAROL, DAVE}
CAMPAIGN = {
    "name": "CX tip", "lever": "inform",
    "message": {"header": "Tip of the week", "text": "Answer within an hour"},
    "audience": {"kind": "everyone"},
    "schedule": {"kind": "once", "at": "2030-01-01T09:00:00", "timezone": "Europe/Warsaw"},
}


def run_db(url: str, work):
    async def run():
        db = Database(url)
        try:
            async with db.transaction() as session:
                return await work(session)
        finally:
            await db.close()

    return asyncio.run(run())


def api_key(url: str, role: Role = Role.ADMIN, tenant_id: int = 1) -> str:
    async def work(session):
        return (await create_api_key(session, tenant_id=tenant_id, role=role, name="test"))[1]

    return run_db(url, work)


def client(served, key: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return http_client(base_url=served.base_url + "/api/v1", headers=headers, timeout=30)


@pytest.fixture
def admin(served, slack, database_url):
    """An admin client of the tenant the fake Slack workspace created (every member met)."""
    for user in (*HUMANS, ROBOT, GONE):
        assert slack.command("/cx", "help", user=user).status_code == 200
    with client(served, api_key(database_url)) as http:
        yield http


def snapshot(sql) -> tuple:
    with sql.connect() as conn:
        campaigns = conn.execute(text("select id, name, active, audience, updated_at from broadcast order by id")).all()
        deliveries = conn.execute(text("select status, count(*) from delivery group by status order by status")).all()
        counts = [conn.execute(text(f"select count(*) from {t}")).scalar() for t in ("occurrence", "api_key")]
    return [tuple(row) for row in campaigns], [tuple(row) for row in deliveries], counts


def test_create_list_get_patch_and_delete(admin, sql):
    created = admin.post("/campaigns", json=CAMPAIGN)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["id"] > 0 and body["active"] is True and body["name"] == "CX tip"
    assert body["schedule"] == {"kind": "once", "at": "2030-01-01T09:00:00", "timezone": "Europe/Warsaw"}
    assert body["message"]["header"] == "Tip of the week" and body["audience"] == {"kind": "everyone"}
    campaign_id = body["id"]
    assert scalar(sql, "select name from broadcast where id = :id", id=campaign_id) == "CX tip"

    assert [c["id"] for c in admin.get("/campaigns").json()] == [campaign_id]
    assert admin.get(f"/campaigns/{campaign_id}").json() == body

    segment = {"kind": "segment", "department": ["Support"], "country": ["PL"]}
    patched = admin.patch(f"/campaigns/{campaign_id}", json={"name": "Weekly tip", "audience": segment})
    assert patched.status_code == 200, patched.text
    assert patched.json()["name"] == "Weekly tip" and patched.json()["audience"]["department"] == ["Support"]
    assert patched.json()["schedule"] == body["schedule"] and patched.json()["updated_at"] is not None
    assert scalar(sql, "select name from broadcast where id = :id", id=campaign_id) == "Weekly tip"

    deleted = admin.delete(f"/campaigns/{campaign_id}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert admin.get(f"/campaigns/{campaign_id}").json()["active"] is False
    assert scalar(sql, "select count(*) from broadcast") == 1  # stopped, not erased
    assert admin.post(f"/campaigns/{campaign_id}/send-now").status_code == 409
    assert scalar(sql, "select count(*) from occurrence") == 0


def test_send_now_reaches_every_member_exactly_once_and_progress_shows_it(admin, fake_slack, sql):
    campaign_id = admin.post("/campaigns", json=CAMPAIGN).json()["id"]
    sent = admin.post(f"/campaigns/{campaign_id}/send-now")
    assert sent.status_code == 202, sent.text
    occurrence_id = sent.json()["occurrence_id"]
    assert scalar(sql, "select broadcast_id from occurrence where id = :id", id=occurrence_id) == campaign_id

    deadline = time.monotonic() + 15
    while (progress := admin.get(f"/occurrences/{occurrence_id}").json())["pending"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert progress == {"pending": 0, "sent": 4, "failed": 0, "skipped": 0, "total": 4, "failures": {}}
    dms = [c.params["channel"] for c in fake_slack.calls_to("chat.postMessage")]
    assert Counter(c for c in dms if c in HUMANS | {ROBOT, GONE}) == Counter(HUMANS)
    assert scalar(sql, "select count(distinct platform_message_id) from delivery where status='sent'") == 4


def test_delete_skips_the_pending_deliveries(admin, database_url):
    campaign_id = admin.post("/campaigns", json=CAMPAIGN).json()["id"]
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)

    async def materialise_tomorrow(session):
        campaign = await session.get(Broadcast, campaign_id)
        tenant = (await session.execute(select(Tenant))).scalars().one()
        slot = Slot(key="tomorrow", instant=later)
        return (await materialise(session, campaign, tenant, slot, roles=Roles())).id

    occurrence_id = run_db(database_url, materialise_tomorrow)
    assert admin.get(f"/occurrences/{occurrence_id}").json()["pending"] == 4
    assert admin.delete(f"/campaigns/{campaign_id}").status_code == 204
    progress = admin.get(f"/occurrences/{occurrence_id}").json()
    assert progress == {"pending": 0, "sent": 0, "failed": 0, "skipped": 4, "total": 4, "failures": {}}


@pytest.mark.parametrize("header", [None, "Bearer ff_not-a-real-key", "Basic dXNlcjpwYXNz", "Bearer"])
def test_requests_without_a_valid_key_are_401_and_change_nothing(admin, served, sql, header):
    campaign_id = admin.post("/campaigns", json=CAMPAIGN).json()["id"]
    before = snapshot(sql)
    headers = {"Authorization": header} if header else {}
    with httpx.Client(base_url=served.base_url + "/api/v1", headers=headers, timeout=30) as anonymous:
        for response in (anonymous.get("/campaigns"), anonymous.get(f"/campaigns/{campaign_id}"),
                         anonymous.post("/campaigns", json=CAMPAIGN), anonymous.post("/campaigns", json={}),
                         anonymous.patch(f"/campaigns/{campaign_id}", json={"name": "x"}),
                         anonymous.delete(f"/campaigns/{campaign_id}"),
                         anonymous.post(f"/campaigns/{campaign_id}/send-now"), anonymous.get("/occurrences/1")):
            assert response.status_code == 401, (response.request.url, response.text)
            assert response.headers["www-authenticate"] == "Bearer"
    assert snapshot(sql) == before


def test_analyst_keys_read_but_every_write_is_403(admin, served, database_url, sql):
    campaign_id = admin.post("/campaigns", json=CAMPAIGN).json()["id"]
    occurrence_id = admin.post(f"/campaigns/{campaign_id}/send-now").json()["occurrence_id"]
    before = snapshot(sql)
    with client(served, api_key(database_url, Role.ANALYST)) as analyst:
        assert analyst.get("/campaigns").status_code == 200
        assert analyst.get(f"/campaigns/{campaign_id}").json()["name"] == "CX tip"
        assert analyst.get(f"/occurrences/{occurrence_id}").json()["total"] == 4
        for response in (analyst.post("/campaigns", json=CAMPAIGN),
                         analyst.patch(f"/campaigns/{campaign_id}", json={"name": "x"}),
                         analyst.delete(f"/campaigns/{campaign_id}"),
                         analyst.post(f"/campaigns/{campaign_id}/send-now")):
            assert response.status_code == 403, (response.request.url, response.text)
    after = snapshot(sql)
    assert after[0] == before[0] and after[2][0] == before[2][0]  # campaigns and occurrences untouched


def test_another_tenants_campaigns_and_occurrences_are_404(admin, served, database_url, sql):
    campaign_id = admin.post("/campaigns", json=CAMPAIGN).json()["id"]
    occurrence_id = admin.post(f"/campaigns/{campaign_id}/send-now").json()["occurrence_id"]
    with sql.begin() as conn:
        other = conn.execute(text(
            "insert into tenant (platform, external_id, name, default_locale, default_timezone, created_at) "
            "values ('teams', 'other-tenant', 'Other', 'en', 'UTC', CURRENT_TIMESTAMP) returning id")).scalar()
    before = snapshot(sql)
    with client(served, api_key(database_url, Role.ADMIN, tenant_id=other)) as stranger:
        assert stranger.get("/campaigns").json() == []
        for response in (stranger.get(f"/campaigns/{campaign_id}"),
                         stranger.patch(f"/campaigns/{campaign_id}", json={"name": "mine now"}),
                         stranger.delete(f"/campaigns/{campaign_id}"),
                         stranger.post(f"/campaigns/{campaign_id}/send-now"),
                         stranger.get(f"/occurrences/{occurrence_id}"),
                         stranger.get("/campaigns/999999"), stranger.get("/occurrences/999999")):
            assert response.status_code == 404, (response.request.url, response.text)
    after = snapshot(sql)
    assert after[0] == before[0] and after[2][0] == before[2][0]


def test_ids_out_of_range_are_422_not_a_database_error(admin, sql):
    before = snapshot(sql)
    for response in (admin.get("/campaigns/99999999999999999"), admin.delete("/campaigns/0"),
                     admin.patch("/campaigns/-1", json={"name": "x"}), admin.get("/occurrences/4294967296"),
                     admin.post("/campaigns/abc/send-now")):
        assert response.status_code == 422, (response.request.url, response.text)
        assert response.json()["detail"][0]["loc"][0] == "path"
    assert snapshot(sql) == before


def with_changes(**changes) -> dict:
    return {**CAMPAIGN, **changes}


@pytest.mark.parametrize(("body", "field"), [
    (with_changes(lever="gossip"), "lever"),
    (with_changes(name=""), "name"),
    (with_changes(schedule={"kind": "once", "at": "2030-01-01T09:00", "timezone": "Mars/Olympus"}), "timezone"),
    (with_changes(schedule={"kind": "recurring", "cron": "99 9 * * mon", "timezone": "UTC"}), "cron"),
    (with_changes(audience={"kind": "segment", "department": "Support"}), "department"),
    (with_changes(message={"text": "hi", "colour": "red"}), "colour"),
    ({k: v for k, v in CAMPAIGN.items() if k != "message"}, "message"),
])
def test_invalid_campaigns_are_422_naming_the_field(admin, sql, body, field):
    before = snapshot(sql)
    response = admin.post("/campaigns", json=body)
    assert response.status_code == 422, response.text
    assert any(field in map(str, error["loc"]) for error in response.json()["detail"]), response.json()
    assert snapshot(sql) == before


def test_an_audience_kind_no_program_offers_is_422_naming_the_kinds_there_are(admin, sql):
    before = snapshot(sql)
    response = admin.post("/campaigns", json=with_changes(audience={"kind": "nobody"}))
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "audience", "kind"]
    assert "'nobody'" in error["msg"] and "everyone, members, channel, segment, new_joiners, ambassadors" in error["msg"]
    for broken in ({"kind": 7}, {"channel": "C1"}, {"kind": "Ambassadors!"}):
        refused = admin.post("/campaigns", json=with_changes(audience=broken))
        assert refused.status_code == 422 and "audience" in str(refused.json()["detail"]), refused.text
    assert snapshot(sql) == before


@pytest.mark.parametrize(("patch", "field"), [
    ({"name": None}, "name"), ({"audience": {"kind": "nobody"}}, "audience"),
    ({"schedule": {"kind": "weekly"}}, "schedule"), ({"owner": "me"}, "owner"), ({"active": "perhaps"}, "active"),
])
def test_invalid_patches_are_422_and_change_nothing(admin, sql, patch, field):
    campaign_id = admin.post("/campaigns", json=CAMPAIGN).json()["id"]
    before = snapshot(sql)
    response = admin.patch(f"/campaigns/{campaign_id}", json=patch)
    assert response.status_code == 422, response.text
    assert any(field in map(str, error["loc"]) for error in response.json()["detail"]), response.json()
    assert snapshot(sql) == before


def test_openapi_describes_the_admin_api(served):
    schema = httpx.get(served.base_url + "/openapi.json", timeout=30)
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/v1/campaigns", "/api/v1/campaigns/{campaign_id}", "/api/v1/campaigns/{campaign_id}/send-now",
            "/api/v1/occurrences/{occurrence_id}"} <= set(paths)
    assert "CampaignOut" in schema.json()["components"]["schemas"]
    assert httpx.get(served.base_url + "/docs", timeout=30).status_code == 200
