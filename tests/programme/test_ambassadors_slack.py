"""CX ambassadors in Slack, end to end: sign-up form, review buttons, outcome, roster, step down."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import select

from bot.broadcasts.audience import Roles
from bot.broadcasts.materialise import materialise
from bot.broadcasts.models import Broadcast
from bot.broadcasts.schedule import Slot
from bot.db import sync_url
from bot.models import Tenant
from tests.conftest import ALICE, BOB, CAROL, DAVE, scalar, wait_until
from tests.programme.helpers import admin_client, button_press, find_button, view_submission
from tests.test_api_campaigns import CAMPAIGN, run_db

ADMIN, OWNER = "U0ADMIN01", "U0OWNER01"
FORM = {"motivation": "I love fixing customer journeys", "area": "Onboarding", "hours": "6"}


@pytest.fixture
def admins(fake_slack, slack):
    """Two workspace admins the app has met (no reviewers or review channel configured)."""
    fake_slack.add_user(ADMIN, "Ada", is_admin=True)
    fake_slack.add_user(OWNER, "Otto")
    fake_slack.users[OWNER]["is_owner"] = True
    for user in (ADMIN, OWNER, BOB, DAVE):
        assert slack.command("/cx", "help", user=user).status_code == 200
    return ADMIN, OWNER


def apply(slack, user=ALICE, **changes):
    return slack.interaction(view_submission(user, "ambassador.form", {**FORM, **changes}))


def review_request(fake_slack, reviewer: str):
    wait_until(lambda: any(c.params["channel"] == reviewer for c in fake_slack.calls_to("chat.postMessage")),
               message=f"review request to {reviewer}")
    posted = [c for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == reviewer]
    return posted[0].params


def test_sign_up_review_by_admins_and_welcome(slack, fake_slack, sql, admins):
    opened = slack.command("/cx", "ambassador", user=ALICE)
    assert opened.status_code == 200
    view = fake_slack.wait_for("views.open")[0].params["view"]
    assert view["callback_id"] == "ambassador.form"
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == ["motivation", "area", "hours"]

    answer = apply(slack).json()
    assert answer["response_action"] == "update" and "with the reviewers" in str(answer["view"])
    assert scalar(sql, "select status from ambassador") == "pending"
    request = review_request(fake_slack, ADMIN)
    review_request(fake_slack, OWNER)  # owners review too; Bob (no admin) gets nothing
    assert not [c for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == BOB]
    assert "Onboarding" in str(request["blocks"]) and "I love fixing customer journeys" in str(request["blocks"])
    approve = find_button(request["blocks"], "ambassador.approve")

    first = slack.interaction(button_press(ADMIN, "ambassador.approve", approve["value"], "D0ADMIN01"))
    second = slack.interaction(button_press(ADMIN, "ambassador.approve", approve["value"], "D0ADMIN01"))
    assert first.status_code == second.status_code == 200
    told = [c.params["text"] for c in fake_slack.wait_for("chat.postEphemeral", 2)]
    assert told[0] == "Approved: @Alice is now a CX ambassador."
    assert told[1] == "@Alice's application was already approved by @Ada."
    assert scalar(sql, "select status from ambassador") == "approved"
    wait_until(lambda: any(c.params["channel"] == ALICE for c in fake_slack.calls_to("chat.postMessage")))
    welcome = [c.params["text"] for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == ALICE]
    assert welcome == ["Welcome, CX ambassador!"]
    assert scalar(sql, "select count(*) from delivery where dedupe_key like :k", k="ambassador:%:outcome") == 1


def test_two_reviewers_clicking_at_once_approve_once_and_both_see_it(slack, fake_slack, sql, admins):
    apply(slack)
    value = find_button(review_request(fake_slack, ADMIN)["blocks"], "ambassador.approve")["value"]
    presses = [button_press(ADMIN, "ambassador.approve", value, "D0ADMIN01"),
               button_press(OWNER, "ambassador.decline", value, "D0OWNER01")]
    with ThreadPoolExecutor(max_workers=2) as pool:
        assert all(r.status_code == 200 for r in pool.map(slack.interaction, presses))
    told = sorted(c.params["text"] for c in fake_slack.wait_for("chat.postEphemeral", 2))
    decided = scalar(sql, "select status from ambassador")
    if decided == "approved":
        assert told == ["@Alice's application was already approved by @Ada.", "Approved: @Alice is now a CX ambassador."]
    else:
        assert decided == "declined"
        assert told == ["@Alice's application was already declined by @Otto.", "Declined: @Alice has been told."]
    assert scalar(sql, "select count(*) from delivery where dedupe_key like :k", k="ambassador:%:outcome") == 1


def test_a_member_who_is_not_a_reviewer_cannot_decide_nor_an_admin_their_own(slack, fake_slack, sql, admins):
    apply(slack)
    value = find_button(review_request(fake_slack, ADMIN)["blocks"], "ambassador.approve")["value"]
    slack.interaction(button_press(DAVE, "ambassador.approve", value, "C0GENERAL"))
    assert "Only ambassador reviewers" in fake_slack.wait_for("chat.postEphemeral")[0].params["text"]
    apply(slack, user=ADMIN)
    own = str(int(value) + 1)
    slack.interaction(button_press(ADMIN, "ambassador.approve", own, "D0ADMIN01"))
    assert "can't decide your own application" in fake_slack.wait_for("chat.postEphemeral", 2)[1].params["text"]
    assert scalar(sql, "select count(*) from ambassador where status = 'pending'") == 2


def test_bad_form_values_are_shown_on_the_field_and_store_nothing(slack, sql, admins):
    for field, value in (("hours", "lots"), ("hours", "0"), ("motivation", "  "), ("area", "x" * 101)):
        body = apply(slack, **{field: value}).json()
        assert body["response_action"] == "errors" and list(body["errors"]) == [field], (field, body)
    assert scalar(sql, "select count(*) from ambassador") == 0
    assert scalar(sql, "select count(*) from delivery") == 0


def test_review_channel_roster_audience_and_step_down(slack, fake_slack, sql, served, database_url, admins):
    with admin_client(served, database_url) as api:
        assert api.put("/settings/programme", json={"review_channel": "C0REVIEW"}).status_code == 200
        apply(slack)
        apply(slack, user=CAROL, area="Billing", hours="1")
        request = review_request(fake_slack, "C0REVIEW")
        assert not [c for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == ADMIN]
        value = find_button(request["blocks"], "ambassador.approve")["value"]
        slack.interaction(button_press(BOB, "ambassador.approve", value, "C0REVIEW"))  # anyone in the channel
        carol = api.get("/ambassadors", params={"status": "pending"}).json()
        assert [a["member"] for a in carol] == [CAROL]
        assert api.post(f"/ambassadors/{carol[0]['id']}/approve").status_code == 200
        roster = api.get("/ambassadors").json()
        assert {(a["member"], a["area"], a["hours_per_month"]) for a in roster} == {
            (ALICE, "Onboarding", 6), (CAROL, "Billing", 1)}

        listing = str(slack.command("/cx", "ambassadors", user=BOB).json()["blocks"])
        # Bob reads Polish: the plural forms of "hours a month"
        assert f"Billing\\n• <@{CAROL}> — 1 godzina miesięcznie" in listing
        assert f"Onboarding\\n• <@{ALICE}> — 6 godzin miesięcznie" in listing

        campaign = api.post("/campaigns", json={**CAMPAIGN, "audience": {"kind": "ambassadors"}})
        assert campaign.status_code == 201, campaign.text
        reached = _materialised_members(database_url, campaign.json()["id"], served.app.state.runtime.roles)
        assert reached == {ALICE, CAROL}

        status = slack.command("/cx", "ambassador", user=ALICE).json()
        assert "Onboarding, 6 hours a month" in str(status["blocks"])
        step_down = find_button(status["blocks"], "ambassador.step_down")
        slack.interaction(button_press(ALICE, "ambassador.step_down", step_down["value"], "C0GENERAL"))
        assert [a["member"] for a in api.get("/ambassadors").json()] == [CAROL]
        assert api.post(f"/ambassadors/{carol[0]['id']}/remove").status_code == 200
        assert api.get("/ambassadors").json() == []
    wait_until(lambda: scalar(sql, "select count(*) from delivery where dedupe_key like :k", k="ambassador:%:ended") == 2)


def _materialised_members(database_url: str, campaign_id: int, roles: Roles) -> set[str]:
    async def work(session):
        campaign = await session.get(Broadcast, campaign_id)
        tenant = (await session.execute(select(Tenant))).scalars().one()
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        await materialise(session, campaign, tenant, Slot(key="tomorrow", instant=later), roles=roles)

    run_db(database_url, work)
    engine = create_engine(sync_url(database_url))
    with engine.connect() as conn:
        found = {row[0] for row in conn.execute(text("select target_id from delivery where occurrence_id is not null"))}
    engine.dispose()
    return found


def test_api_decline_tells_the_reason_and_refuses_a_second_decision(slack, fake_slack, sql, served, database_url,
                                                                   admins):
    apply(slack)
    with admin_client(served, database_url) as api:
        application = api.get("/ambassadors", params={"status": "pending"}).json()[0]
        declined = api.post(f"/ambassadors/{application['id']}/decline", json={"reason": "Team is full this quarter"})
        assert declined.status_code == 200 and declined.json()["status"] == "declined"
        again = api.post(f"/ambassadors/{application['id']}/approve")
        assert again.status_code == 409 and "declined" in again.json()["detail"]
        assert api.post("/ambassadors/999999/approve").status_code == 404
        assert api.post("/ambassadors/0/approve").status_code == 422
    wait_until(lambda: any(c.params["channel"] == ALICE for c in fake_slack.calls_to("chat.postMessage")))
    told = [c.params["text"] for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == ALICE]
    assert told == ["Your ambassador application was declined. Reason: Team is full this quarter"]
    # declined: Alice may apply again
    assert apply(slack).json()["response_action"] == "update"
    assert scalar(sql, "select count(*) from ambassador where status = 'pending'") == 1
