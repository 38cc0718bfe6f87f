"""HR's journey in a real browser: an eNPS survey created from the template, answered in Slack, read safely; a story approved."""

from __future__ import annotations

from tests.conftest import ALICE, BOB, scalar, wait_until
from tests.console.test_review_pages import queue_story_and_application
from tests.engage.conftest import ERIN, FRANK, press, submit
from tests.slack_requests import SlackSender


def survey_invitations(fake_slack) -> dict[str, str]:
    """Each invited member's first answer button value (`round:score` prefix), by DM channel."""
    return {call.params["channel"]: call.params for call in fake_slack.calls_to("chat.postMessage")
            if "survey.answer" in str(call.params.get("blocks"))}


def test_an_enps_survey_made_in_the_browser_is_answered_in_slack_and_read_without_exposing_anyone(
        page, console, fake_slack, sql):
    slack = SlackSender(console.base_url)
    for user, name in ((ERIN, "Erin"), (FRANK, "Frank")):  # six members: above the threshold of five
        fake_slack.add_user(user, name)
        assert slack.command("/cx", "help", user=user).status_code == 200

    page.goto("/admin/surveys/new")
    page.get_by_label("Name", exact=True).fill("eNPS <December>")
    page.get_by_label("eNPS template").check()
    page.get_by_label("Anonymous", exact=False).check()
    page.get_by_label("Everyone").check()
    page.get_by_label("Once", exact=True).check()
    page.get_by_label("Date and time (once)").fill("2099-01-04T09:00")
    page.get_by_label("Time zone", exact=False).fill("UTC")
    page.get_by_label("A round stays open for (hours)").fill("48")
    page.get_by_role("button", name="Create the survey").click()
    page.wait_for_url("**/admin/surveys/*")
    assert scalar(sql, "select name from survey") == "eNPS <December>"
    page.get_by_role("button", name="Open a round now").click()
    page.wait_for_load_state()

    wait_until(lambda: len(survey_invitations(fake_slack)) == 6, timeout=20, message="six invitations")
    round_id = scalar(sql, "select id from survey_round")
    for index, person in enumerate((ALICE, BOB)):  # two answer: fewer than the threshold
        assert slack.interaction(press(person, f"{round_id}:9", f"j.{index}")).status_code == 200
        answered = slack.interaction(submit(person, f"{round_id}:9", {"text:better": "More training"},
                                            view_id=f"V0JOURNEY{index}"))
        assert answered.status_code == 200 and answered.json()["response_action"] == "update"
    wait_until(lambda: scalar(sql, "select count(*) from survey_participation where responded") == 2,
               message="two answers recorded")

    page.reload()
    assert "suppressed: fewer than 5 respondents" in page.locator("main").inner_text()
    # closing the round writes the answers still pooled (anonymous answers wait for company)
    page.get_by_role("button", name="Close this round now").click()
    page.wait_for_url("**/admin/surveys/*")
    wait_until(lambda: scalar(sql, "select count(*) from survey_response") == 2, message="the pool written")
    page.reload()
    main = page.locator("main").inner_text()
    assert "2 of 6 invited answered (33.3%)" in main
    assert "suppressed: fewer than 5 respondents" in main  # a cell shown as suppressed, with its reason
    assert "More training" not in main and "Promoters" not in main
    assert page.locator('main svg[role="img"]').count() >= 1  # the participation chart
    assert "eNPS &lt;December&gt;" in page.content()  # the name is escaped, never markup


def test_a_reviewer_approves_a_story_in_the_browser_and_it_is_published(page, console, sql, fake_slack):
    story_id, _application = queue_story_and_application(console, sql)
    page.goto("/admin/stories")
    story = page.locator(f"#story-{story_id}").locator("xpath=ancestor::article")
    story.get_by_role("button", name="Approve").click()
    page.wait_for_url("**/admin/stories*")
    assert scalar(sql, "select status from story where id = :id", id=story_id) == "approved"
    assert scalar(sql, "select count(*) from console_audit where action = 'story.approved'") == 1
    wait_until(lambda: any(call.params.get("channel") == ALICE for call in fake_slack.calls_to("chat.postMessage")),
               message="the author's DM")
