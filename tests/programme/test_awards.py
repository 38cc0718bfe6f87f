"""Awards over Slack and the admin API: nominations, votes (one per category, never yourself), windows, results."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from tests.conftest import ALICE, BOB, CAROL, DAVE, scalar, wait_until
from tests.programme.helpers import admin_client, view_submission


def local(zone: str, moment: dt.datetime) -> str:
    """`moment` as a wall-clock time in `zone`, as the API takes it (no offset)."""
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None).isoformat(timespec="seconds")


def cycle_body(zone: str = "Europe/Warsaw", closes: dt.timedelta = dt.timedelta(hours=1),
               now: dt.datetime | None = None) -> dict:
    now, hour = now or dt.datetime.now(dt.UTC), dt.timedelta(hours=1)
    return {"name": "CX Awards 2026", "timezone": zone,
            "nominations": {"opens": local(zone, now - hour), "closes": local(zone, now + closes)},
            "voting": {"opens": local(zone, now + 2 * hour), "closes": local(zone, now + 3 * hour)}}


@pytest.fixture
def api(slack, served, database_url, fake_slack):
    for user in (ALICE, BOB, CAROL, DAVE):
        slack.command("/cx", "help", user=user)
    with admin_client(served, database_url) as client:
        client.put("/settings/programme", json={"announcement_channel": "C0ANNOUNCE"})
        yield client


def nominate(slack, user: str, nominee: str, category: int, reason: str = "Always there for customers", state="1"):
    values = {"nominee_members": [nominee], "category": f"#{category}", "reason": reason}
    return slack.interaction(view_submission(user, "awards.nominate", values, state=state)).json()


def open_voting(sql) -> None:
    now = dt.datetime.now(dt.UTC)
    with sql.begin() as conn:
        conn.execute(text("update award_cycle set nominations_close = :a, voting_open = :a, voting_close = :b"),
                     {"a": now - dt.timedelta(minutes=1), "b": now + dt.timedelta(hours=1)})


def test_nominate_vote_change_vote_and_announce(slack, fake_slack, sql, api):
    cycle = api.post("/awards", json=cycle_body())
    assert cycle.status_code == 201, cycle.text
    categories = {c["name"]: c["id"] for c in cycle.json()["categories"]}
    assert list(categories) == ["#customer-first", "#ownership", "#empathy", "#going-beyond", "Customer hero"]
    hero = categories["Customer hero"]

    slack.command("/cx", "nominate", user=ALICE)
    form = fake_slack.wait_for("views.open")[0].params["view"]
    assert form["callback_id"] == "awards.nominate" and form["private_metadata"] == "1"
    assert nominate(slack, ALICE, ALICE, hero)["errors"] == {"nominee_members": "You can't nominate yourself."}
    assert nominate(slack, ALICE, BOB, hero)["response_action"] == "update"
    assert "already nominated" in str(nominate(slack, ALICE, BOB, hero))
    nominate(slack, DAVE, CAROL, hero)
    nominate(slack, BOB, ALICE, hero)
    assert scalar(sql, "select count(*) from nomination") == 3
    assert "not open" in slack.command("/cx", "vote", user=ALICE).json()["text"]

    open_voting(sql)
    slack.command("/cx", "vote", user=ALICE)
    ballot = fake_slack.wait_for("views.open", 2)[1].params["view"]
    options = [o["value"] for o in ballot["blocks"][1]["element"]["options"]]
    assert options == [BOB, CAROL]  # Alice is nominated too, but not on her own ballot
    key = f"category_{hero}"
    assert "not one of" not in str(_vote(slack, ALICE, {key: f"#{BOB}"}))
    _vote(slack, ALICE, {key: f"#{CAROL}"})  # changed her mind: still one vote
    assert _vote(slack, ALICE, {key: f"#{ALICE}"})["errors"] == {key: "You can't vote for yourself."}
    _vote(slack, DAVE, {key: f"#{CAROL}"})
    _vote(slack, CAROL, {key: f"#{BOB}"})
    assert scalar(sql, "select count(*) from vote") == 3
    assert api.get(f"/awards/{cycle.json()['id']}/results").status_code == 409  # private until close
    assert api.post(f"/awards/{cycle.json()['id']}/announce").status_code == 409

    with sql.begin() as conn:
        conn.execute(text("update award_cycle set voting_close = :now"),
                     {"now": dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)})
    results = {r["category"]: r for r in api.get(f"/awards/{cycle.json()['id']}/results").json()}
    assert results["Customer hero"]["winners"] == [CAROL]
    assert [(s["member"], s["votes"]) for s in results["Customer hero"]["standings"]] == [(CAROL, 2), (BOB, 1), (ALICE, 0)]
    assert results["#empathy"]["winners"] == []
    first = api.post(f"/awards/{cycle.json()['id']}/announce")
    assert first.status_code in (200, 409)  # 409: the scheduler's tick was first; announced once either way
    assert api.post(f"/awards/{cycle.json()['id']}/announce").status_code == 409
    wait_until(lambda: [c for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == "C0ANNOUNCE"],
               message="the announcement")
    wait_until(lambda: [c for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == CAROL])
    posts = [c.params for c in fake_slack.calls_to("chat.postMessage")]
    announcement = [p for p in posts if p["channel"] == "C0ANNOUNCE"]
    assert len(announcement) == 1 and f"Customer hero: <@{CAROL}>" in str(announcement[0]["blocks"])
    assert [p["text"] for p in posts if p["channel"] == CAROL] == [  # Carol reads Ukrainian
        "Вітаємо! Ви перемогли в «Customer hero» у CX Awards 2026."]


def _vote(slack, user: str, values: dict) -> dict:
    return slack.interaction(view_submission(user, "awards.vote", values, state="1")).json()


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Tokyo"])
def test_nomination_window_edges_follow_the_cycles_time_zone(slack, sql, api, zone):
    now = dt.datetime.now(dt.UTC)
    created = api.post("/awards", json=cycle_body(zone, closes=dt.timedelta(minutes=10), now=now)).json()
    expected_close = (now + dt.timedelta(minutes=10)).replace(microsecond=0)
    assert dt.datetime.fromisoformat(created["nominations_close"]) == expected_close
    hero = created["categories"][-1]["id"]
    assert nominate(slack, ALICE, BOB, hero)["response_action"] == "update"  # before the local close
    with sql.begin() as conn:  # the window closed a second ago
        conn.execute(text("update award_cycle set nominations_close = :t"),
                     {"t": dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)})
    refused = nominate(slack, ALICE, CAROL, hero)
    assert "Nominations are not open right now." in str(refused)
    assert scalar(sql, "select count(*) from nomination") == 1


@pytest.mark.parametrize(("change", "field"), [
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"voting": {"opens": "2030-01-02T10:00:00", "closes": "2030-01-01T10:00:00"}}, "voting"),
    ({"nominations": {"opens": "2030-01-01T10:00:00+02:00", "closes": "2030-01-02T10:00:00"}}, "nominations"),
    ({"categories": ["Hero", "Hero"]}, "categories"),
])
def test_invalid_cycles_are_422_and_store_nothing(api, sql, change, field):
    response = api.post("/awards", json={**cycle_body(), **change})
    assert response.status_code == 422
    assert any(field in map(str, error["loc"]) for error in response.json()["detail"]), response.json()
    assert scalar(sql, "select count(*) from award_cycle") == 0
