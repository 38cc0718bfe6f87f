"""Customer stories in Slack, end to end: the form, consent, review (edit, changes, decline), publication."""

from __future__ import annotations

import pytest

from tests.conftest import ALICE, DAVE, scalar, wait_until
from tests.programme.helpers import admin_client, button_press, find_button, view_submission

ADMIN = "U0ADMIN01"
STORY = {"title": "The midnight refund", "situation": "A customer was double charged before a trip",
         "action": "Dave refunded it at midnight", "outcome": "She flew with her money back",
         "value": "#customer-first", "customer": "", "consent": []}


@pytest.fixture
def api(fake_slack, slack, served, database_url):
    fake_slack.add_user(ADMIN, "Ada", is_admin=True)
    for user in (ADMIN, ALICE, DAVE):
        slack.command("/cx", "help", user=user)
    with admin_client(served, database_url) as client:
        settings = {"review_channel": "C0REVIEW", "stories_channels": ["C0STORIES", "C0WINS"]}
        assert client.put("/settings/programme", json=settings).status_code == 200
        yield client


def share(slack, user=ALICE, **changes):
    return slack.interaction(view_submission(user, "story.form", {**STORY, **changes}))


def posted_to(fake_slack, channel: str) -> list[dict]:
    return [c.params for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == channel]


def review_request(fake_slack) -> dict:
    wait_until(lambda: posted_to(fake_slack, "C0REVIEW"), message="story review request")
    return posted_to(fake_slack, "C0REVIEW")[-1]


def test_story_is_reviewed_with_edits_and_published_with_credit(slack, fake_slack, sql, api):
    slack.command("/cx", "story", user=ALICE)
    view = fake_slack.wait_for("views.open")[0].params["view"]
    assert view["callback_id"] == "story.form"
    inputs = [b["block_id"] for b in view["blocks"] if b["type"] == "input"]
    assert inputs == ["title", "situation", "action", "outcome", "value", "customer", "consent"]
    assert "with the reviewers" in str(share(slack).json()["view"])
    request = review_request(fake_slack)
    assert "The midnight refund" in str(request["blocks"]) and "#customer-first" in str(request["blocks"])

    edit = find_button(request["blocks"], "story.edit_open")
    slack.interaction(button_press(ADMIN, "story.edit_open", edit["value"], "C0REVIEW"))
    form = fake_slack.wait_for("views.open", 2)[1].params["view"]
    assert form["callback_id"] == "story.edit"
    assert form["blocks"][0]["element"]["initial_value"] == "The midnight refund"
    edited = {**{k: STORY[k] for k in ("situation", "action", "outcome")}, "title": "A refund at midnight",
              "note": "Shortened the title"}
    answer = slack.interaction(view_submission(ADMIN, "story.edit", edited, state=form["private_metadata"])).json()
    assert "is published" in str(answer["view"])
    assert scalar(sql, "select title || '/' || status from story") == "A refund at midnight/approved"

    wait_until(lambda: posted_to(fake_slack, "C0STORIES") and posted_to(fake_slack, "C0WINS"))
    card = posted_to(fake_slack, "C0STORIES")[0]
    assert card["text"] == "Customer story: A refund at midnight"
    assert f"Shared by <@{ALICE}> · #customer-first" in str(card["blocks"])
    assert scalar(sql, "select lane from delivery where target_id = 'C0STORIES'") == "broadcast"
    wait_until(lambda: posted_to(fake_slack, ALICE))
    assert posted_to(fake_slack, ALICE)[0]["text"] == (
        "Your story “A refund at midnight” was approved and published. Reviewer's note: Shortened the title")

    approve = find_button(request["blocks"], "story.approve")
    slack.interaction(button_press(ADMIN, "story.approve", approve["value"], "C0REVIEW"))
    assert fake_slack.wait_for("chat.postEphemeral")[0].params["text"] == (
        "“A refund at midnight” was already approved by @Ada.")
    assert scalar(sql, "select count(*) from delivery where target_id = 'C0STORIES'") == 1


def test_a_named_customer_needs_consent(slack, sql, api):
    body = share(slack, customer="Anna Nowak").json()
    assert body["response_action"] == "errors" and list(body["errors"]) == ["consent"]
    for field in ("title", "outcome"):
        assert list(share(slack, **{field: " "}).json()["errors"]) == [field]
    assert list(share(slack, value="#teamwork").json()["errors"]) == ["value"]
    assert scalar(sql, "select count(*) from story") == 0
    assert share(slack, customer="Anna Nowak", consent=["yes"]).json()["response_action"] == "update"
    assert scalar(sql, "select customer from story where customer_consent") == "Anna Nowak"


def test_changes_asked_with_a_reason_and_api_decline(slack, fake_slack, sql, api):
    share(slack)
    changes = find_button(review_request(fake_slack)["blocks"], "story.changes")
    slack.interaction(button_press(DAVE, "story.changes", changes["value"], "C0REVIEW"))  # in the review channel
    form = fake_slack.wait_for("views.open")[0].params["view"]
    assert form["callback_id"] == "story.reason"
    empty = slack.interaction(view_submission(DAVE, "story.reason", {"note": " "}, state=form["private_metadata"]))
    assert list(empty.json()["errors"]) == ["note"]
    reason = {"note": "Please add what the customer said."}
    slack.interaction(view_submission(DAVE, "story.reason", reason, state=form["private_metadata"]))
    assert scalar(sql, "select status from story") == "changes_requested"
    wait_until(lambda: posted_to(fake_slack, ALICE))
    assert "needs changes: Please add what the customer said." in posted_to(fake_slack, ALICE)[0]["text"]

    share(slack, title="Second try")
    pending = api.get("/stories", params={"status": "pending"}).json()
    assert [s["title"] for s in pending] == ["Second try"]
    assert api.post(f"/stories/{pending[0]['id']}/decline", json={}).status_code == 422
    declined = api.post(f"/stories/{pending[0]['id']}/decline", json={"reason": "We told this one last week"})
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    assert api.post(f"/stories/{pending[0]['id']}/approve").status_code == 409
    wait_until(lambda: len(posted_to(fake_slack, ALICE)) == 2)
    assert posted_to(fake_slack, ALICE)[1]["text"] == "Your story “Second try” was declined: We told this one last week"
    assert posted_to(fake_slack, "C0STORIES") == []
