"""Stories and ambassador queues in the console over real HTTP: roles, CSRF, escaping, the audit log."""

from __future__ import annotations

import httpx
import pytest

from bot.console.models import ConsoleRole
from tests.conftest import ALICE, BOB, scalar, wait_until
from tests.console.conftest import csrf_of, signed_in
from tests.programme.helpers import view_submission
from tests.slack_requests import SlackSender

TITLE = "<script>alert('x')</script> The midnight refund"
STORY = {"title": TITLE, "situation": "A customer was double charged", "action": "Dave refunded it at midnight",
         "outcome": "She flew with her money back", "value": "#customer-first", "customer": "", "consent": []}
APPLICATION = {"motivation": "I love fixing customer journeys", "area": "Onboarding", "hours": "6"}


def queue_story_and_application(console, sql) -> tuple[int, int]:
    """One pending story by Alice and one pending ambassador application by Bob, sent through Slack."""
    slack = SlackSender(console.base_url)
    assert slack.interaction(view_submission(ALICE, "story.form", STORY)).status_code == 200
    assert slack.interaction(view_submission(BOB, "ambassador.form", APPLICATION)).status_code == 200
    wait_until(lambda: scalar(sql, "select count(*) from story") == 1, message="story stored")
    wait_until(lambda: scalar(sql, "select count(*) from ambassador") == 1, message="application stored")
    return scalar(sql, "select id from story"), scalar(sql, "select id from ambassador")


@pytest.fixture
def queued(console, sql):
    """The story and application's ids."""
    return queue_story_and_application(console, sql)


def test_a_reviewer_asks_for_changes_then_a_second_decision_is_refused_and_both_are_audited(console, sql, queued):
    story_id, _application = queued
    reviewer = signed_in(console, "reviewer@example.com", ConsoleRole.REVIEWER)
    page = reviewer.get("/admin/stories")
    assert page.status_code == 200
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; The midnight refund" in page.text
    assert "<script>alert" not in page.text
    csrf = csrf_of(page)
    empty = reviewer.post(f"/admin/stories/{story_id}/changes", data={"csrf": csrf, "note": " "})
    assert empty.status_code == 422 and "Tell the author why" in empty.text
    assert scalar(sql, "select status from story") == "pending"
    asked = reviewer.post(f"/admin/stories/{story_id}/changes", data={"csrf": csrf, "note": "Name the product"})
    assert asked.status_code == 303
    assert scalar(sql, "select status from story") == "changes_requested"
    assert scalar(sql, "select note from story") == "Name the product"
    again = reviewer.post(f"/admin/stories/{story_id}/approve", data={"csrf": csrf})
    assert again.status_code == 409 and scalar(sql, "select status from story") == "changes_requested"
    assert reviewer.post("/admin/stories/999999/decline", data={"csrf": csrf, "note": "x"}).status_code == 404
    assert scalar(sql, "select action from console_audit where target like '%midnight refund'") == \
        "story.changes_requested"
    assert scalar(sql, "select actor from console_audit where action = 'story.changes_requested'") == \
        "reviewer@example.com"


def test_a_reviewer_approves_a_story_and_declines_an_application_with_a_note(console, sql, queued):
    story_id, application_id = queued
    reviewer = signed_in(console, "reviewer@example.com", ConsoleRole.REVIEWER)
    csrf = csrf_of(reviewer.get("/admin/stories"))
    assert reviewer.post(f"/admin/stories/{story_id}/approve", data={"csrf": csrf}).status_code == 303
    assert scalar(sql, "select status from story") == "approved"
    page = reviewer.get("/admin/ambassadors")
    assert page.status_code == 200 and "I love fixing customer journeys" in page.text
    declined = reviewer.post(f"/admin/ambassadors/{application_id}/decline",
                             data={"csrf": csrf_of(page), "note": "We are full this quarter"})
    assert declined.status_code == 303
    assert scalar(sql, "select status from ambassador") == "declined"
    assert scalar(sql, "select note from ambassador") == "We are full this quarter"
    with sql.connect() as conn:
        actions = {row for (row,) in conn.exec_driver_sql("select action from console_audit")}
    assert {"story.approved", "ambassador.declined"} <= actions


def test_an_approved_ambassador_joins_the_roster(console, sql, queued):
    _story, application_id = queued
    admin = signed_in(console, "hr@example.com")
    page = admin.get("/admin/ambassadors")
    assert "No ambassadors yet." in page.text
    assert admin.post(f"/admin/ambassadors/{application_id}/approve", data={"csrf": csrf_of(page)}).status_code == 303
    roster = admin.get("/admin/ambassadors").text.split("Roster")[1]
    assert "Onboarding" in roster and "No ambassadors yet." not in roster
    assert scalar(sql, "select action from console_audit where action like 'ambassador.%'") == "ambassador.approved"


def test_an_analyst_and_anonymous_visitors_change_nothing_and_forms_need_the_csrf_token(console, sql, queued):
    story_id, application_id = queued
    analyst = signed_in(console, "analyst@example.com", ConsoleRole.ANALYST)
    assert analyst.get("/admin/stories").status_code == 403
    assert analyst.get("/admin/ambassadors").status_code == 403
    reviewer = signed_in(console, "reviewer@example.com", ConsoleRole.REVIEWER)
    csrf = csrf_of(reviewer.get("/admin/stories"))
    assert analyst.post(f"/admin/stories/{story_id}/approve", data={"csrf": csrf}).status_code == 403
    assert analyst.post(f"/admin/ambassadors/{application_id}/approve", data={"csrf": csrf}).status_code == 403
    assert reviewer.post(f"/admin/stories/{story_id}/approve", data={"csrf": "forged"}).status_code == 403
    assert reviewer.post(f"/admin/ambassadors/{application_id}/approve", data={}).status_code == 403
    with httpx.Client(base_url=console.base_url) as anonymous:
        assert anonymous.get("/admin/stories").status_code == 303
        assert anonymous.post(f"/admin/stories/{story_id}/approve", data={"csrf": csrf}).status_code == 401
        assert anonymous.post(f"/admin/ambassadors/{application_id}/approve").status_code == 401
    assert scalar(sql, "select status from story") == "pending"
    assert scalar(sql, "select status from ambassador") == "pending"
    assert scalar(sql, "select count(*) from console_audit where action like 'story.%' "
                       "or action like 'ambassador.%'") == 0


def test_a_reviewer_edits_a_story_before_approving_and_the_author_is_told(console, sql, fake_slack, queued):
    story_id, _application = queued
    reviewer = signed_in(console, "reviewer@example.com", ConsoleRole.REVIEWER)
    page = reviewer.get("/admin/stories")
    assert f'id="title-{story_id}" name="title" value="&lt;script&gt;' in page.text  # the edit form, escaped
    csrf = csrf_of(page)
    edits = {**{part: STORY[part] for part in ("situation", "action", "outcome")}, "csrf": csrf}
    empty = reviewer.post(f"/admin/stories/{story_id}/approve", data={**edits, "title": " "})
    assert empty.status_code == 422 and "This field is required" in empty.text
    assert scalar(sql, "select status from story") == "pending"
    approved = reviewer.post(f"/admin/stories/{story_id}/approve",
                             data={**edits, "title": "A refund at midnight", "note": "Shortened the title"})
    assert approved.status_code == 303
    assert scalar(sql, "select title || '/' || status from story") == "A refund at midnight/approved"
    assert scalar(sql, "select situation from story") == STORY["situation"]
    detail = scalar(sql, "select detail from console_audit where action = 'story.approved'")
    assert '"edited": ["title"]' in str(detail).replace("'", '"')
    outcome = f"story:{story_id}:outcome"
    assert scalar(sql, "select lane from delivery where dedupe_key = :key", key=outcome) == "interactive"
    wait_until(lambda: any(call.params.get("channel") == ALICE for call in fake_slack.calls_to("chat.postMessage")),
               message="the author's DM")
    sent = [call.params for call in fake_slack.calls_to("chat.postMessage") if call.params.get("channel") == ALICE]
    assert sent[0]["text"] == ("Your story “A refund at midnight” was approved and published. "
                               "Reviewer's note: Shortened the title")
