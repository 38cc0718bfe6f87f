"""The `fivefold` CLI's operator commands, on both databases (and against a served Fivefold where it delivers)."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlmodel import select
from typer.testing import CliRunner

from app import cli
from bot.broadcasts.audience import Roles
from bot.broadcasts.materialise import materialise
from bot.broadcasts.schedule import Slot
from bot.db import Database
from bot.models import Tenant
from bot.settings import get_settings
from programs.campaigns.schemas import CampaignIn
from programs.campaigns.service import create_campaign
from tests.conftest import ALICE, BOB, CAROL, DAVE, scalar

HUMANS = (ALICE, BOB, CAROL, DAVE)


@pytest.fixture
def fivefold(database_url, monkeypatch):
    """Run `fivefold …` against the test database; returns the click Result."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()
    runner = CliRunner()
    yield lambda *args: runner.invoke(cli, [str(arg) for arg in args])
    get_settings.cache_clear()


def add_tenant(sql, external_id: str = "T0FIVE001", name: str = "Test") -> int:
    with sql.begin() as conn:
        return conn.execute(text(
            "insert into tenant (platform, external_id, name, default_locale, default_timezone, created_at) "
            "values ('slack', :ext, :name, 'en', 'UTC', CURRENT_TIMESTAMP) returning id"), {"ext": external_id,
                                                                                       "name": name}).scalar()


def add_members(sql, tenant_id: int = 1) -> None:
    with sql.begin() as conn:
        for user in HUMANS:
            conn.execute(text(
                "insert into member (tenant_id, external_id, display_name, real_name, email, is_bot, is_deleted, "
                "created_at) values (:tenant, :user, :user, '', :email, false, false, CURRENT_TIMESTAMP)"),
                {"tenant": tenant_id, "user": user, "email": f"{user.lower()}@example.com"})


def new_campaign(database_url: str, name: str = "CX tip", *, materialise_at: dt.datetime | None = None) -> int:
    data = CampaignIn.model_validate({
        "name": name, "lever": "inspire", "message": {"text": "Customers first"}, "audience": {"kind": "everyone"},
        "schedule": {"kind": "recurring", "cron": "0 9 * * mon", "timezone": "recipient"}})

    async def run() -> int:
        db = Database(database_url)
        try:
            async with db.transaction() as session:
                tenant = (await session.execute(select(Tenant).order_by(Tenant.id))).scalars().first()
                campaign = await create_campaign(session, tenant, data)
                if materialise_at is None:
                    return campaign.id
                slot = Slot("later", instant=materialise_at)
                return (await materialise(session, campaign, tenant, slot, roles=Roles())).id
        finally:
            await db.close()

    return asyncio.run(run())


def test_apikey_create_prints_a_key_that_authenticates(fivefold, served, slack, sql):
    assert slack.command("/cx", "help", user=ALICE).status_code == 200  # the workspace becomes a tenant
    result = fivefold("apikey", "create", "--role", "analyst", "--name", "dashboards")
    assert result.exit_code == 0, result.output
    key = result.stdout.strip().splitlines()[-1]
    assert key.startswith("ff_") and scalar(sql, "select count(*) from api_key where key_hash = :k", k=key) == 0
    assert scalar(sql, "select role || ':' || name from api_key") == "analyst:dashboards"
    headers = {"Authorization": f"Bearer {key}"}
    assert httpx.get(served.base_url + "/api/v1/campaigns", headers=headers).status_code == 200
    assert httpx.post(served.base_url + "/api/v1/campaigns", headers=headers, json={}).status_code == 403
    assert httpx.get(served.base_url + "/api/v1/campaigns", headers={"Authorization": "Bearer ff_x"}).status_code == 401


def test_apikey_create_needs_a_tenant_when_there_are_several(fivefold, sql):
    missing = fivefold("apikey", "create", "--role", "admin")
    assert missing.exit_code == 1 and "no tenant yet" in missing.output
    add_tenant(sql)
    other = add_tenant(sql, "T0OTHER01", "Other")
    ambiguous = fivefold("apikey", "create", "--role", "admin")
    assert ambiguous.exit_code == 1
    assert "several tenants" in ambiguous.output and "T0FIVE001" in ambiguous.output and "T0OTHER01" in ambiguous.output
    assert fivefold("apikey", "create", "--role", "admin", "--tenant", 99).exit_code == 1
    assert fivefold("apikey", "create", "--role", "root", "--tenant", other).exit_code == 2
    assert scalar(sql, "select count(*) from api_key") == 0
    chosen = fivefold("apikey", "create", "--role", "admin", "--tenant", other)
    assert chosen.exit_code == 0, chosen.output
    assert scalar(sql, "select tenant_id || role from api_key") == f"{other}admin"


def test_campaigns_list_shows_the_tenants_campaigns(fivefold, database_url, sql):
    add_tenant(sql)
    assert "CX tip" not in fivefold("campaigns", "list").stdout
    new_campaign(database_url, "Weekly tip")
    new_campaign(database_url, "Why CX")
    result = fivefold("campaigns", "list")
    assert result.exit_code == 0, result.output
    assert "Weekly tip" in result.stdout and "Why CX" in result.stdout and "inspire" in result.stdout
    assert result.stdout.index("Why CX") < result.stdout.index("Weekly tip")  # newest first


def test_send_now_then_watch_until_every_member_has_it(fivefold, served, slack, fake_slack, database_url, sql):
    for user in HUMANS:
        assert slack.command("/cx", "help", user=user).status_code == 200
    campaign_id = new_campaign(database_url)
    sent = fivefold("campaigns", "send-now", campaign_id)
    assert sent.exit_code == 0, sent.output
    occurrence_id = int(sent.stdout.strip())
    assert scalar(sql, "select broadcast_id from occurrence where id = :id", id=occurrence_id) == campaign_id

    watched = fivefold("deliveries", "watch", occurrence_id, "--interval", 0.05, "--timeout", 20)
    assert watched.exit_code == 0, watched.output
    assert f"occurrence {occurrence_id}: 4 sent, 0 failed, 0 skipped, 0 pending of 4" in watched.stdout
    assert "4/4" in watched.output  # the progress bar, completed
    dms = [c.params["channel"] for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] in HUMANS]
    assert sorted(dms) == sorted(HUMANS)


def test_watch_times_out_on_pending_work_and_refuses_unknown_occurrences(fivefold, database_url, sql):
    add_tenant(sql)
    add_members(sql)
    occurrence_id = new_campaign(database_url, materialise_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    waited = fivefold("deliveries", "watch", occurrence_id, "--interval", 0.05, "--timeout", 0.2)
    assert waited.exit_code == 1 and "4 pending of 4" in waited.stdout and "timed out" in waited.output
    unknown = fivefold("deliveries", "watch", 999)
    assert unknown.exit_code == 1 and "no occurrence 999" in unknown.output
    assert fivefold("campaigns", "send-now", 999).exit_code == 1
    assert fivefold("campaigns", "send-now", 2**40).exit_code == 2  # out of range: a usage error


def members(sql) -> list[tuple]:
    with sql.connect() as conn:
        return [tuple(row) for row in conn.execute(text(
            "select external_id, email, department, location, country, start_date, display_name "
            "from member order by external_id"))]


def test_members_import_upserts_a_good_file(fivefold, sql, tmp_path: Path):
    add_tenant(sql)
    add_members(sql)
    csv = tmp_path / "people.csv"
    csv.write_text("platform_id,email,department,location,country,start_date,display_name\n"
                   f"{ALICE},,Support,Kraków,PL,2024-03-01,\n"
                   f",{BOB.lower()}@example.com,Sales,New York,us,2023-11-20,\n"
                   "U0NEW0001,new@example.com,Support,Kyiv,UA,2026-01-05,Nadia\n", encoding="utf-8")
    result = fivefold("members", "import", csv)
    assert result.exit_code == 0, result.output
    assert "1 created, 2 updated, 0 unchanged" in result.stdout
    rows = {row[0]: row for row in members(sql)}
    assert (*rows[ALICE][2:5], str(rows[ALICE][5])) == ("Support", "Kraków", "PL", "2024-03-01")
    assert rows[BOB][2:5] == ("Sales", "New York", "US")
    assert rows["U0NEW0001"][1] == "new@example.com" and rows["U0NEW0001"][6] == "Nadia"
    assert rows[CAROL][2:6] == (None, None, None, None)


def test_members_import_of_a_bad_file_names_the_lines_and_changes_nothing(fivefold, sql, tmp_path: Path):
    add_tenant(sql)
    add_members(sql)
    before = members(sql)
    csv = tmp_path / "bad.csv"
    csv.write_text("platform_id,department,country,start_date\n"
                   f"{ALICE},Support,PL,2024-03-01\n"
                   f"{BOB},Sales,Poland,2023-11-20\n"
                   f"{CAROL},Support,UA,2022-05-05\n"
                   f"{DAVE},Support,JP,05/06/2022\n", encoding="utf-8")
    result = fivefold("members", "import", csv)
    assert result.exit_code == 1
    assert "nothing imported" in result.output
    assert "line 3: country 'Poland'" in result.output and "line 5: start_date '05/06/2022'" in result.output
    assert "line 2" not in result.output and "line 4" not in result.output
    assert members(sql) == before


def test_members_import_of_an_unknown_email_changes_nothing(fivefold, sql, tmp_path: Path):
    add_tenant(sql)
    add_members(sql)
    before = members(sql)
    csv = tmp_path / "emails.csv"
    csv.write_text("email,department\nu0alice01@example.com,Support\nstranger@example.com,Sales\n", encoding="utf-8")
    result = fivefold("members", "import", csv)
    assert result.exit_code == 1 and "line 3: no member has the email stranger@example.com" in result.output
    assert members(sql) == before
    assert fivefold("members", "import", tmp_path / "missing.csv").exit_code == 2


def test_send_now_of_a_stopped_campaign_fails_and_creates_nothing(fivefold, database_url, sql):
    add_tenant(sql)
    campaign_id = new_campaign(database_url)
    with sql.begin() as conn:
        conn.execute(text("update broadcast set active = false where id = :id"), {"id": campaign_id})
    stopped = fivefold("campaigns", "send-now", campaign_id)
    assert stopped.exit_code == 1 and "stopped" in stopped.output
    assert scalar(sql, "select count(*) from occurrence") == 0
