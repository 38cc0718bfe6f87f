"""Survey flows over HTTP: the eNPS form, attributed answers, reminders, `/cx stats` and `/cx survey`."""

from __future__ import annotations

import json

from sqlalchemy import text

from tests.conftest import ALICE, BOB, CAROL, DAVE, scalar, wait_until
from tests.engage.conftest import ERIN, FRANK, PEOPLE, create_survey, invitations, press, setup_world, submit


def _enps(api) -> int:
    return create_survey(api, name="eNPS Q1", template="enps", questions=None, owner=ALICE)


def test_enps_button_opens_the_form_for_the_comment_and_the_submission_records_both(surveyed, sql, database_url,
                                                                                   fake_slack):
    slack, api = setup_world(surveyed, sql, database_url)
    survey_id = _enps(api)
    round_id = api.post(f"/api/v1/surveys/{survey_id}/send-now").json()["round_id"]
    sent = invitations(fake_slack, len(PEOPLE))
    assert "How likely are you to recommend working here to a friend?" in str(sent[ALICE]["blocks"])
    assert "Наскільки ймовірно" in json.dumps(sent[CAROL]["blocks"], ensure_ascii=False)  # Carol reads Ukrainian
    assert slack.interaction(press(ALICE, f"{round_id}:8", "4.1.a")).status_code == 200
    view = fake_slack.wait_for("views.open")[0].params["view"]
    assert view["callback_id"] == "survey.form" and view["private_metadata"] == f"{round_id}:8"
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == ["better"]
    assert scalar(sql, "select count(*) from survey_pool") == 0  # nothing recorded before the form is sent
    response = slack.interaction(submit(ALICE, f"{round_id}:8", {"text:better": "More coffee"}))
    assert response.status_code == 200 and "recorded" in str(response.json()["view"]["blocks"])
    assert scalar(sql, "select count(*) from survey_pool") == 1
    assert scalar(sql, "select count(*) from survey_participation where responded") == 1
    again = slack.interaction(submit(ALICE, f"{round_id}:3", {"text:better": "x"}, view_id="V0SURVEY2"))
    assert "already answered" in str(again.json()["view"]["blocks"])
    assert scalar(sql, "select count(*) from survey_pool") == 1


def test_a_whole_form_answers_multi_question_surveys_and_bad_answers_name_the_field(surveyed, sql, database_url,
                                                                                   fake_slack):
    slack, api = setup_world(surveyed, sql, database_url)
    questions = [{"kind": "choice", "text": "Office or home?", "choices": ["Office", "Home", "Both"]},
                 {"kind": "likert_1_5", "text": "I like my desk"}]
    survey_id = create_survey(api, questions=questions)
    round_id = api.post(f"/api/v1/surveys/{survey_id}/send-now").json()["round_id"]
    sent = invitations(fake_slack, len(PEOPLE))
    assert '"Home"' in json.dumps(sent[ALICE]["blocks"])  # choices as buttons
    bad = slack.interaction(submit(BOB, str(round_id), {"q1": "7", "q2": "4"}))
    assert bad.json()["response_action"] == "errors" and "q1" in bad.json()["errors"]
    missing = slack.interaction(submit(BOB, str(round_id), {"q1": "1"}, view_id="V0SURVEY3"))
    assert "q2" in missing.json()["errors"]
    ok = slack.interaction(submit(BOB, str(round_id), {"q1": "1", "q2": "4"}, view_id="V0SURVEY4"))
    assert ok.json()["response_action"] == "update"
    assert scalar(sql, "select count(*) from survey_participation where responded") == 1


def test_attributed_answers_may_change_until_close(surveyed, sql, database_url, fake_slack):
    slack, api = setup_world(surveyed, sql, database_url)
    survey_id = create_survey(api, anonymous=False)
    round_id = api.post(f"/api/v1/surveys/{survey_id}/send-now").json()["round_id"]
    invitations(fake_slack, len(PEOPLE))
    slack.interaction(press(DAVE, f"{round_id}:4", "5.1.d"))
    slack.interaction(press(DAVE, f"{round_id}:6", "5.2.d"))
    wait_until(lambda: scalar(sql, "select count(*) from delivery where dedupe_key like 'survey:%:answered:%'") == 2)
    assert scalar(sql, "select count(*) from survey_response") == 1
    dave = scalar(sql, "select id from member where external_id = :d", d=DAVE)
    assert scalar(sql, "select member_id from survey_response") == dave
    assert '6' in str(scalar(sql, "select answers from survey_response"))
    assert scalar(sql, "select count(*) from survey_pool") == 0  # attributed answers are not pooled


def test_reminders_reach_only_non_responders_and_never_after_close(surveyed, sql, database_url, fake_slack):
    slack, api = setup_world(surveyed, sql, database_url)
    survey_id = create_survey(api, reminders={"count": 2, "every_hours": 1})
    round_id = api.post(f"/api/v1/surveys/{survey_id}/send-now").json()["round_id"]
    invitations(fake_slack, len(PEOPLE))
    for index, person in enumerate([ALICE, BOB]):
        slack.interaction(press(person, f"{round_id}:9", f"6.{index}.r"))
    wait_until(lambda: scalar(sql, "select count(*) from survey_participation where responded") == 2)
    with sql.begin() as conn:  # an hour has passed
        conn.execute(text("update survey_participation set next_reminder_at = '2020-01-01 00:00:00' "
                          "where next_reminder_at is not null"))
    wait_until(lambda: scalar(sql, "select count(*) from delivery where dedupe_key like '%:remind:%'") == 4,
               message="reminders")
    reminded = {c.params["channel"] for c in fake_slack.wait_for("chat.postMessage", len(PEOPLE) + 4)
                if "reminder" in str(c.params).lower() or "przypomnienie" in str(c.params).lower()
                or "нагадування" in str(c.params).lower()}
    assert reminded == {CAROL, DAVE, ERIN, FRANK}
    api.post(f"/api/v1/rounds/{round_id}/close")
    with sql.begin() as conn:
        conn.execute(text("update survey_participation set next_reminder_at = '2020-01-01 00:00:00', "
                          "reminders_sent = 1 where not responded"))
    import time
    time.sleep(0.6)  # three scheduler ticks
    assert scalar(sql, "select count(*) from delivery where dedupe_key like '%:remind:%'") == 4


def test_stats_lists_open_surveys_and_survey_reopens_the_invitation(surveyed, sql, database_url, fake_slack):
    slack, api = setup_world(surveyed, sql, database_url)
    nothing = slack.command("/cx", "survey", user=ERIN).json()
    assert "No survey is waiting" in str(nothing)
    survey_id = create_survey(api, name="Friday pulse")
    round_id = api.post(f"/api/v1/surveys/{survey_id}/send-now").json()["round_id"]
    invitations(fake_slack, len(PEOPLE))
    stats = slack.command("/cx", "stats", user=ERIN).json()
    assert "Friday pulse" in str(stats) and "open until" in str(stats) and "Europe/London" in str(stats)
    again = slack.command("/cx", "survey", user=FRANK).json()
    assert "survey.answer" in str(again) and "America/Los_Angeles" in str(again)
    slack.interaction(press(FRANK, f"{round_id}:10", "7.1.f"))
    wait_until(lambda: scalar(sql, "select count(*) from survey_participation where responded") == 1)
    assert "answered" in str(slack.command("/cx", "stats", user=FRANK).json())
    assert "No survey is waiting" in str(slack.command("/cx", "survey", user=FRANK).json())
    assert "coming soon" not in str(slack.command("/cx", "help", user=FRANK).json())
    assert "/cx survey" in str(slack.command("/cx", "help", user=FRANK).json())


def test_stale_or_foreign_buttons_are_refused_politely(surveyed, sql, database_url, fake_slack):
    slack, api = setup_world(surveyed, sql, database_url)
    round_id = api.post(f"/api/v1/surveys/{create_survey(api)}/send-now").json()["round_id"]
    invitations(fake_slack, len(PEOPLE))
    for index, value in enumerate(["nonsense", f"{round_id}:11", f"{round_id}:", "99999999999:1", "424242:3"]):
        assert slack.interaction(press(ALICE, value, f"2.{index}.x")).status_code == 200
    refusals = [str(c.params) for c in fake_slack.wait_for("chat.postEphemeral", 5)]
    assert sum("no longer valid" in r for r in refusals) == 4 and "not sent to you" in refusals[-1]
    assert scalar(sql, "select count(*) from survey_participation where responded") == 0
