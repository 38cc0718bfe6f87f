"""The weekly digests: the thank-you digest for a hand-built week, and when the scheduler sends them."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from programs.digests.tick import digests_tick
from tests.conftest import ALICE, BOB, CAROL, DAVE, scalar, wait_until
from tests.programme.helpers import admin_client, view_submission
from tests.test_api_campaigns import run_db


@pytest.fixture
def api(slack, served, database_url):
    for user in (ALICE, BOB, CAROL, DAVE):
        slack.command("/cx", "help", user=user)
    with admin_client(served, database_url) as client:
        assert client.put("/settings/programme", json={"announcement_channel": "C0ANNOUNCE"}).status_code == 200
        yield client


def announced(fake_slack) -> list[dict]:
    return [c.params for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == "C0ANNOUNCE"]


def test_thanks_digest_for_a_hand_built_week(slack, fake_slack, sql, api):
    slack.command("/kudos", f"<@{BOB}> <@{CAROL}> saved the launch #customer-first", user=ALICE)
    slack.command("/kudos", f"<@{BOB}> calm on the phone #customer-first #empathy", user=DAVE)
    slack.command("/kudos", f"<@{DAVE}> old news #ownership", user=CAROL)
    with sql.begin() as conn:  # Carol's kudos was eight days ago: not this week
        conn.execute(text("update kudos set created_at = :then where giver_id = "
                          "(select id from member where external_id = :carol)"),
                     {"then": dt.datetime.now(dt.UTC) - dt.timedelta(days=8), "carol": CAROL})
    slack.interaction(view_submission(ALICE, "ambassador.form", {"motivation": "Yes", "area": "Billing", "hours": "2"}))
    api.post(f"/ambassadors/{api.get('/ambassadors', params={'status': 'pending'}).json()[0]['id']}/approve")
    slack.interaction(view_submission(DAVE, "story.form", {
        "title": "Night refund", "situation": "s", "action": "a", "outcome": "o", "value": "#empathy",
        "customer": "", "consent": []}))
    api.post(f"/stories/{api.get('/stories').json()[0]['id']}/approve")

    assert api.post("/digests/thanks/send-now").json() == {"kind": "thanks", "messages": 1}
    wait_until(lambda: announced(fake_slack), message="the digest")
    digest = announced(fake_slack)[0]
    body = str(digest["blocks"])
    assert digest["text"] == "Thank you — this week at a glance"
    assert "3 kudos were given this week." in body
    assert f"*#customer-first* — 3\\n1. <@{BOB}> — 2\\n2. <@{CAROL}> — 1" in body
    assert f"*#empathy* — 1\\n1. <@{BOB}> — 1" in body and "#ownership" not in body
    assert f"“Night refund” — <@{DAVE}> #empathy" in body
    assert f"<@{ALICE}> — Billing" in body
    assert scalar(sql, "select lane from delivery where target_id = 'C0ANNOUNCE'") == "broadcast"


def test_without_an_announcement_channel_nothing_is_sent(api):
    api.put("/settings/programme", json={"announcement_channel": None})
    assert api.post("/digests/thanks/send-now").json() == {"kind": "thanks", "messages": 0}
    assert api.post("/digests/weekly/send-now").status_code == 422


def tick(database_url: str, now: dt.datetime) -> int:
    async def work(session):
        return await digests_tick(session, now)

    return run_db(database_url, work)


def test_the_thank_you_digest_goes_out_friday_1500_in_each_tenants_zone_once(api, database_url, sql):
    with sql.begin() as conn:
        conn.execute(text("update tenant set default_timezone = 'America/New_York'"))
    # a past week: the served scheduler, ticking at the real time, never sends the same one
    friday = dt.datetime(2025, 12, 5, 20, 0, tzinfo=dt.UTC)  # 15:00 in New York, 21:00 in Warsaw
    assert tick(database_url, friday - dt.timedelta(minutes=1)) == 0  # 14:59 there
    assert tick(database_url, friday) == 1
    assert tick(database_url, friday + dt.timedelta(hours=2)) == 0  # once a week
    with sql.begin() as conn:
        conn.execute(text("update tenant set default_timezone = 'Europe/Warsaw'"))
    next_friday = dt.datetime(2025, 12, 12, 13, 59, tzinfo=dt.UTC)  # 14:59 in Warsaw
    assert tick(database_url, next_friday) == 0
    assert tick(database_url, next_friday + dt.timedelta(minutes=1)) == 1
    weeks = "select period from digest_run where kind = 'thanks' and period like 'week:2025-%' order by period"
    with sql.connect() as conn:
        assert [row[0] for row in conn.execute(text(weeks))] == ["week:2025-W49", "week:2025-W50"]
