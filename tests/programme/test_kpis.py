"""KPIs over the admin API and Slack: status against target, computed values, the owner's comment, the digest."""

from __future__ import annotations

import datetime as dt

import pytest

from programs.digests.tick import digests_tick
from tests.conftest import ALICE, BOB, scalar, wait_until
from tests.programme.helpers import admin_client, button_press, find_button, view_submission
from tests.test_api_campaigns import run_db


@pytest.fixture
def api(slack, served, database_url):
    for user in (ALICE, BOB):
        slack.command("/cx", "help", user=user)
    with admin_client(served, database_url) as client:
        client.put("/settings/programme", json={"leadership_channel": "C0LEADERS"})
        yield client


def kpi(api, name: str, target: float, direction: str, **extra) -> dict:
    response = api.post("/kpis", json={"name": name, "target": target, "direction": direction, **extra})
    assert response.status_code == 201, response.text
    return response.json()


def enter(api, kpi_id: int, *values: float) -> dict:
    body = [{"period": f"2026-11-{2 + 7 * i:02d}", "value": v} for i, v in enumerate(values)]
    response = api.put(f"/kpis/{kpi_id}/values", json=body)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(("target", "direction", "values", "status", "trend"), [
    (90, "higher", (85, 90), "met", "up"),
    (90, "higher", (91, 85.5), "close", "down"),  # 4.5 short = exactly 5 % of 90
    (90, "higher", (91, 85.4), "missed", "down"),
    (60, "lower", (70, 62), "close", "down"),  # lower is better: 2 over 60
    (60, "lower", (50, 64), "missed", "up"),
    (60, "lower", (64, 64), "missed", "flat"),
    (0, "lower", (1, 0), "met", "down"),
])
def test_status_against_target(api, target, direction, values, status, trend):
    created = kpi(api, "Measure", target, direction, unit="%")
    assert created["status"] == "no_data" and created["latest"] is None
    row = enter(api, created["id"], *values)
    assert (row["latest"], row["previous"], row["status"], row["trend"]) == (values[-1], values[0], status, trend)
    assert row["period"] == "2026-11-09"
    assert api.get("/kpis").json()[0]["status"] == status


def test_entered_values_replace_a_period_and_bad_input_is_422(api, sql):
    created = kpi(api, "CSAT", 90, "higher")
    enter(api, created["id"], 80)
    assert enter(api, created["id"], 95)["latest"] == 95  # the same period again
    assert scalar(sql, "select count(*) from kpi_value") == 1
    assert api.put(f"/kpis/{created['id']}/values", json=[{"period": "soon", "value": 1}]).status_code == 422
    assert api.put(f"/kpis/{created['id']}/values", json=[]).status_code == 422
    assert api.put("/kpis/999/values", json=[{"period": "2026-11-02", "value": 1}]).status_code == 404
    assert api.post("/kpis", json={"name": "CSAT", "target": 1, "direction": "higher"}).status_code == 422
    assert api.post("/kpis", json={"name": "X", "target": 1, "direction": "up"}).status_code == 422
    assert api.post("/kpis", json={"name": "Y", "target": 1, "direction": "higher", "owner": "U0NOBODY"}).status_code == 422
    assert scalar(sql, "select count(*) from kpi") == 1


def test_computed_kpis(api, slack):
    today = str(dt.date.today())
    api.post("/feedback", json=[{"score": s, "team": "Support", "date": today} for s in (10, 9, 3, 8)])
    slack.command("/kudos", f"<@{BOB}> thanks", user=ALICE)
    nps = kpi(api, "Customer NPS", 30, "higher", source="customer_nps")
    assert (nps["latest"], nps["status"]) == (25.0, "missed")  # (2 promoters − 1 detractor) / 4; 5 short of 30
    per_member = kpi(api, "Kudos per member", 2, "higher", source="kudos_per_active_member")
    assert per_member["latest"] == 0.5  # one kudos, Alice and Bob active
    assert kpi(api, "Ambassadors", 3, "higher", source="active_ambassadors")["latest"] == 0
    stories = kpi(api, "Stories", 2, "higher", source="stories_published")
    assert stories["latest"] == 0 and stories["status"] == "missed"
    assert api.put(f"/kpis/{nps['id']}/values", json=[{"period": today, "value": 1}]).status_code == 422
    for source in ("enps", "survey_participation"):  # no survey has closed a round: no data, not a number
        survey_kpi = kpi(api, source, 20, "higher", source=source)
        assert (survey_kpi["latest"], survey_kpi["status"]) == (None, "no_data")


def test_owner_is_asked_the_day_before_and_the_digest_says_when_no_comment_came(
    api, slack, fake_slack, sql, database_url,
):
    csat = kpi(api, "CSAT", 90, "higher", owner=BOB, unit="%")
    enter(api, csat["id"], 92, 80)
    speed = kpi(api, "First reply", 60, "lower", unit=" min")
    enter(api, speed["id"], 75)
    kpi(api, "Retention", 95, "higher", owner=ALICE)
    enter(api, api.get("/kpis").json()[2]["id"], 97)

    # a Sunday far from the real clock: the served app's own scheduler must not tick at the same slot
    sunday = dt.datetime(2030, 1, 6, 9, 0, tzinfo=dt.UTC)  # the tenant's zone is UTC
    assert run_db(database_url, lambda session: digests_tick(session, sunday - dt.timedelta(minutes=1))) == 0
    assert run_db(database_url, lambda session: digests_tick(session, sunday)) == 1  # only CSAT has a missed owner
    wait_until(lambda: [c for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == BOB])
    ask = next(c.params for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == BOB)
    assert ask["text"].startswith("CSAT wynosi 80% przy celu 90%. Jeśli liczby są złe")  # Bob reads Polish
    button = find_button(ask["blocks"], "kpi.comment")
    slack.interaction(button_press(ALICE, "kpi.comment", button["value"], "D0ALICE01"))
    assert "Only the KPI's owner" in fake_slack.wait_for("chat.postEphemeral")[0].params["text"]
    slack.interaction(button_press(BOB, "kpi.comment", button["value"], "D0BOB0001"))
    form = fake_slack.wait_for("views.open")[0].params["view"]
    slack.interaction(view_submission(BOB, "kpi.comment_form", {"comment": "Two new hires in onboarding"},
                                      state=form["private_metadata"]))
    assert scalar(sql, "select comment from kpi_comment") == "Two new hires in onboarding"

    assert api.post("/digests/kpi/send-now").json() == {"kind": "kpi", "messages": 1}
    wait_until(lambda: [c for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == "C0LEADERS"])
    digest = str(next(c.params for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == "C0LEADERS"))
    assert "CSAT*: 80% against a target of 90% — missed ↓" in digest
    assert "Owner's comment: Two new hires in onboarding" in digest
    assert "First reply*: 75 min against a target of 60 min — missed" in digest
    assert "Missed, and no comment was given." in digest
    assert "Retention*: 97 against a target of 95 — met" in digest
    assert "Every KPI met" not in digest


def test_when_every_kpi_is_met_the_digest_thanks_the_teams(api, fake_slack):
    enter(api, kpi(api, "CSAT", 90, "higher")["id"], 93)
    api.post("/digests/kpi/send-now")
    wait_until(lambda: [c for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == "C0LEADERS"])
    digest = str(fake_slack.calls_to("chat.postMessage")[0].params["blocks"])
    assert "Every KPI met its target this week. Thank you, teams!" in digest
