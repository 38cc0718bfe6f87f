"""Surveys end to end over HTTP: the admin API, Slack invitations, answers, anonymity in the database."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from tests.conftest import ALICE, BOB, CAROL, DAVE, scalar, wait_until
from tests.engage.conftest import ERIN, PEOPLE, THRESHOLD, create_survey, invitations, press, setup_world


def test_scale_answers_by_button_are_pooled_then_written_unlinkably(surveyed, sql, database_url, fake_slack):
    slack, api = setup_world(surveyed, sql, database_url)
    survey_id = create_survey(api)
    round_id = api.post(f"/api/v1/surveys/{survey_id}/send-now").json()["round_id"]
    sent = invitations(fake_slack, len(PEOPLE))
    assert set(sent) == set(PEOPLE)
    blocks = json.dumps(sent[BOB]["blocks"], ensure_ascii=False)
    assert "Recommend us?" in blocks and "anonimow" in blocks  # Bob reads Polish
    assert blocks.count('"survey.answer') == 11
    assert api.get(f"/api/v1/rounds/{round_id}").json()["invited"] == len(PEOPLE)
    sent_rows = "select count(*) from delivery where dedupe_key like 'survey:%:invite:%' and status = 'sent'"
    wait_until(lambda: scalar(sql, sent_rows) == len(PEOPLE), message="invitations recorded as sent")

    scores = {ALICE: 10, BOB: 9, CAROL: 3}
    for index, (person, score) in enumerate(scores.items()):
        assert slack.interaction(press(person, f"{round_id}:{score}", f"9.{index}.a")).status_code == 200
    # Slack retrying the same click counts once; a second click is refused politely
    slack.interaction(press(ALICE, f"{round_id}:0", "9.0.a"))
    slack.interaction(press(ALICE, f"{round_id}:0", "9.9.again"))
    refusal = fake_slack.wait_for("chat.postEphemeral")[0].params
    assert refusal["user"] == ALICE and "already answered" in str(refusal)
    updates = fake_slack.wait_for("chat.update", 3)
    texts = [json.dumps(u.params["blocks"], ensure_ascii=False) for u in updates]
    assert sum("recorded" in t for t in texts) == 1 and sum("zapisana" in t for t in texts) == 1  # Alice, Bob
    assert all('"10"' not in t and "survey.answer" not in t for t in texts)  # the answer is never echoed
    assert {u.params["channel"] for u in updates} == {fake_slack.dm_channel(p) for p in scores}
    wait_until(lambda: scalar(sql, "select count(*) from survey_response") == 3, message="flushed batch")
    assert scalar(sql, "select count(*) from survey_pool") == 0
    assert api.get(f"/api/v1/rounds/{round_id}").json()["responded"] == 3

    _assert_unlinkable(sql, database_url)
    results = api.get(f"/api/v1/surveys/{survey_id}/results").json()
    cell = results["questions"][0]
    # hand count: promoters 10, 9 (2); detractors 3 (1); 3 answers: (2 - 1) / 3 = 33.3
    assert cell["enps"] == {"score": 33.3, "promoters": 2, "passives": 0, "detractors": 1}
    assert cell["mean"] == 7.33 and cell["distribution"]["9"] == 1
    assert results["participation"] == 50.0

    by = api.get(f"/api/v1/surveys/{survey_id}/results?by=department").json()["breakdown"]["groups"]
    sales = next(g for g in by if g["group"] == {"department": "Sales"})
    legal = next(g for g in by if g["group"] == {"department": "Legal"})
    assert sales["respondents"] == 3 and legal["suppressed"] is True and "fewer than 3" in legal["reason"]
    csv = api.get(f"/api/v1/surveys/{survey_id}/results?by=department&format=csv")
    assert csv.headers["content-type"].startswith("text/csv") and "department=Legal,,suppressed" in csv.text


def _assert_unlinkable(sql, database_url: str) -> None:
    with sql.connect() as conn:
        sealed = [row[0] for row in conn.execute(text("select sealed from survey_pool"))]
        assert sealed == []
        if database_url.startswith("postgresql"):
            participation = {row[0] for row in conn.execute(text("select xmin::text from survey_participation "
                                                                 "where responded"))}
            responses = {row[0] for row in conn.execute(text("select xmin::text from survey_response"))}
            assert len(responses) == 1 and not responses & participation  # one batch, its own transaction
        else:
            with pytest.raises(Exception, match="rowid"):
                conn.execute(text("select rowid from survey_response"))
        columns = {row[0] for row in conn.execute(text(
            "select column_name from information_schema.columns where table_name = 'survey_response'"
            if database_url.startswith("postgresql") else "select name from pragma_table_info('survey_response')"))}
        assert columns == {"id", "round_id", "department", "location", "country", "answers", "member_id"}
        assert scalar(sql, "select count(*) from survey_response where member_id is not null") == 0


def test_pooled_answers_are_sealed_and_closing_writes_them_with_a_topped_up_batch(surveyed, sql, database_url,
                                                                                  fake_slack):
    slack, api = setup_world(surveyed, sql, database_url)
    round_id = api.post(f"/api/v1/surveys/{create_survey(api)}/send-now").json()["round_id"]
    invitations(fake_slack, len(PEOPLE))
    for index, person in enumerate([ALICE, BOB, CAROL]):
        slack.interaction(press(person, f"{round_id}:7", f"8.{index}.a"))
    wait_until(lambda: scalar(sql, "select count(*) from survey_response") == 3, message="first batch")
    slack.interaction(press(DAVE, f"{round_id}:2", "8.9.d"))
    wait_until(lambda: scalar(sql, "select count(*) from survey_pool") == 1, message="pooled")
    sealed = scalar(sql, "select sealed from survey_pool")
    assert "answers" not in sealed and "Legal" not in sealed and json.dumps({"q1": 2}) not in sealed
    closed = api.post(f"/api/v1/rounds/{round_id}/close")
    assert closed.status_code == 200 and closed.json()["closed_at"]
    assert scalar(sql, "select count(*) from survey_pool") == 0
    assert scalar(sql, "select count(*) from survey_response") == 4
    if database_url.startswith("postgresql"):  # Dave's batch holds the threshold, not his answer alone
        last = "select count(*) from survey_response group by xmin order by max(xmin::text::bigint) desc limit 1"
        assert scalar(sql, last) >= THRESHOLD
    slack.interaction(press(ERIN, f"{round_id}:5", "8.10.e"))
    refusal = fake_slack.wait_for("chat.postEphemeral")[0].params
    assert refusal["user"] == ERIN and "closed on" in str(refusal) and "Europe/London" in str(refusal)
    assert api.post(f"/api/v1/rounds/{round_id}/close").status_code == 409
