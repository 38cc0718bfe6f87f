"""Results over the admin API: hand-counted eNPS, the audit, suppression and differencing, CSV, bad input."""

from __future__ import annotations

import httpx
import pytest

from programs.engage.scoring import enps, hidden_groups
from programs.engage.templates import AUDIT_BLOCKS
from tests.conftest import scalar
from tests.engage.conftest import THRESHOLD, create_survey, setup_world, write_responses


@pytest.fixture
def responses(surveyed, database_url):
    """Write (segment, answers) responses to a round through the pool, as answers arrive."""
    secret = surveyed.settings.secret_key.get_secret_value()
    return lambda round_id, rows: write_responses(database_url, round_id, rows, secret)


def _round(api: httpx.Client, survey_id: int) -> int:
    return int(api.post(f"/api/v1/surveys/{survey_id}/send-now").json()["round_id"])


def test_enps_mean_and_distribution_match_a_hand_count_and_comments_need_twice_the_threshold(
        surveyed, sql, database_url, responses):
    _slack, api = setup_world(surveyed, sql, database_url)
    survey_id = create_survey(api, name="eNPS", template="enps", questions=None)
    round_id = _round(api, survey_id)
    scores = [10, 10, 9, 8, 7, 6, 0, 5, 9, 10]
    comments = ["More coffee", "=HYPERLINK(\"x\")", "Fewer meetings", "Quiet rooms", "Better chairs"]
    responses(round_id, [({}, {"recommend": s, **({"better": comments[i]} if i < len(comments) else {})})
                            for i, s in enumerate(scores)])
    results = api.get(f"/api/v1/surveys/{survey_id}/results").json()
    recommend, better = results["questions"]
    # promoters 10,10,9,9,10 = 5; passives 8,7 = 2; detractors 6,0,5 = 3; (5 − 3) / 10 = 20.0
    assert recommend["enps"] == {"score": 20.0, "promoters": 5, "passives": 2, "detractors": 3}
    assert recommend["mean"] == 7.4 and recommend["distribution"]["10"] == 3 and recommend["distribution"]["1"] == 0
    assert better == {"key": "better", "kind": "text", "text": better["text"], "suppressed": True,
                      "reason": f"comments are shown for at least {2 * THRESHOLD} answers"}
    responses(round_id, [({}, {"recommend": 9, "better": "Plants"})])
    better = api.get(f"/api/v1/surveys/{survey_id}/results").json()["questions"][1]
    assert sorted(better["comments"]) == sorted([*comments, "Plants"])
    csv = api.get(f"/api/v1/surveys/{survey_id}/results?format=csv").text
    assert "overall,,recommend,enps,27.3" in csv and "'=HYPERLINK" in csv  # (6 − 3) / 11; formulas made inert
    polish = api.get(f"/api/v1/surveys/{survey_id}/results?locale=pl").json()["questions"][0]["text"]
    assert polish.startswith("Jak bardzo")


def test_small_groups_and_groups_that_could_be_derived_by_subtraction_are_suppressed(
        surveyed, sql, database_url, responses):
    _slack, api = setup_world(surveyed, sql, database_url)
    survey_id = create_survey(api)
    round_id = _round(api, survey_id)
    emea, apac = {"department": "Sales", "location": "EMEA"}, {"department": "Sales", "location": "APAC"}
    legal = {"department": "Legal", "location": "EMEA"}
    responses(round_id, [(emea, {"q1": 10})] * 4 + [(apac, {"q1": 0})] * 2 + [(legal, {"q1": 5})] * 3)
    by_department = api.get(f"/api/v1/surveys/{survey_id}/results?by=department").json()["breakdown"]["groups"]
    sales = next(g for g in by_department if g["group"]["department"] == "Sales")
    assert sales["respondents"] == 6
    nested = api.get(f"/api/v1/surveys/{survey_id}/results?by=department,location").json()["breakdown"]["groups"]
    cells = {(g["group"]["department"], g["group"]["location"]): g for g in nested}
    assert cells[("Sales", "APAC")]["suppressed"] and "fewer than 3" in cells[("Sales", "APAC")]["reason"]
    # "Sales" (6) minus "Sales in EMEA" (4) would reveal APAC's two answers: EMEA is hidden too, and says why
    assert cells[("Sales", "EMEA")]["suppressed"] and "subtraction" in cells[("Sales", "EMEA")]["reason"]
    assert cells[("Legal", "EMEA")]["respondents"] == 3
    assert cells[("Legal", "EMEA")]["questions"][0]["enps"]["score"] == -100.0
    csv = api.get(f"/api/v1/surveys/{survey_id}/results?by=department,location&format=csv").text
    assert "department=Sales/location=EMEA,,suppressed" in csv and "10" not in csv.split("department=Sales")[1][:80]


def test_a_round_below_the_threshold_shows_nothing_but_counts(surveyed, sql, database_url, responses):
    _slack, api = setup_world(surveyed, sql, database_url)
    survey_id = create_survey(api)
    round_id = _round(api, survey_id)
    responses(round_id, [({}, {"q1": 10})] * (THRESHOLD - 1))
    results = api.get(f"/api/v1/surveys/{survey_id}/results?round={round_id}").json()
    assert results["responded"] == THRESHOLD - 1 and results["questions"][0]["suppressed"] is True
    assert results["trend"][0]["suppressed"] is True and "scores" not in results["trend"][0]


def test_hidden_groups_are_topped_up_until_the_hidden_total_reaches_the_threshold():
    assert hidden_groups({"Sales": 5, "Legal": 6, "HR": 2}, 3) == {"HR", "Sales"}
    assert hidden_groups({"Sales": 5, "Legal": 6, "HR": 2, "IT": 1}, 3) == {"HR", "IT"}
    assert hidden_groups({"Sales": 5, "Legal": 6}, 3) == set()
    assert hidden_groups({"Sales": 2}, 3) == {"Sales"}
    assert enps({}) is None


def test_the_audit_scores_blocks_against_the_baseline_and_names_the_weakest(
        surveyed, sql, database_url, responses):
    _slack, api = setup_world(surveyed, sql, database_url)
    survey_id = create_survey(api, name="CX audit 2026", template="cx_audit", questions=None)
    questions = api.get(f"/api/v1/surveys/{survey_id}").json()["questions"]
    assert len(questions) == 27 and {q["block"] for q in questions} == {b for b, _t, _s in AUDIT_BLOCKS}
    baseline, current = _round(api, survey_id), _round(api, survey_id)
    keys = [q["key"] for q in questions]
    responses(baseline, [({}, dict.fromkeys(keys, 3))] * 3)

    def answers(respondent: int) -> dict:
        given = dict.fromkeys(keys, 3)
        given.update({f"core_values_{i}": 5 for i in (1, 2, 3)})
        given.update({f"governance_{i}": 1 for i in (1, 2, 3)})
        given.update({f"adoption_{i}": respondent for i in (1, 2, 3)})  # 1, 2, 3: mean 2
        given.update({"mission_1": 4, "mission_2": 4, "mission_3": 5})
        return given

    responses(current, [({}, answers(r)) for r in (1, 2, 3)])
    audit = api.get(f"/api/v1/surveys/{survey_id}/results?round={current}").json()["audit"]
    blocks = {b["block"]: b for b in audit["blocks"]}
    # Likert 1–5 → 0–100: (mean − 1) × 25
    assert blocks["core_values"]["score"] == 100.0 and blocks["core_values"]["change"] == 50.0
    assert blocks["governance"]["score"] == 0.0 and blocks["governance"]["change"] == -50.0
    assert blocks["adoption"]["score"] == 25.0
    assert blocks["mission"]["score"] == 83.3  # (4 + 4 + 5) / 3 = 4.333 → 83.3
    assert blocks["brand_promise"]["score"] == 50.0 and blocks["brand_promise"]["change"] == 0.0
    assert audit["baseline_round_id"] == baseline
    assert [w["block"] for w in audit["weakest"]] == ["governance", "adoption", "brand_promise"]
    assert audit["weakest"][0]["statements"][0]["text"] == "It is clear who owns customer experience here."
    trend = api.get(f"/api/v1/surveys/{survey_id}/results").json()["trend"]
    assert [point["round_id"] for point in trend] == [baseline, current]
    assert [point["participation"] for point in trend] == [50.0, 50.0]  # 3 of the 6 invited each time


@pytest.mark.parametrize(("body", "field"), [
    ({"template": "enps"}, "body"),  # a template and questions
    ({"questions": [{"kind": "choice", "text": "Pick", "choices": ["only one"]}]}, "questions"),
    ({"questions": [{"kind": "scale_0_10", "text": "x", "choices": ["a", "b"]}]}, "questions"),
    ({"questions": []}, "questions"),
    ({"audience": {"kind": "channel", "channel": "C1"}}, "body"),
    ({"window_hours": 0}, "window_hours"),
    ({"reminders": {"count": 9, "every_hours": 1}}, "reminders"),
    ({"schedule": {"kind": "recurring", "cron": "not a cron"}}, "schedule"),
])
def test_invalid_surveys_are_refused_and_nothing_is_written(surveyed, sql, database_url, body, field):
    _slack, api = setup_world(surveyed, sql, database_url)
    base = {"name": "x", "questions": [{"kind": "text", "text": "Say"}], "anonymous": True,
            "audience": {"kind": "everyone"}, "schedule": {"kind": "once", "at": "2099-01-01T09:00:00"},
            "window_hours": 24}
    response = api.post("/api/v1/surveys", json={**base, **body})
    assert response.status_code == 422 and field in str(response.json()["detail"][0]["loc"])
    assert scalar(sql, "select count(*) from survey") == 0


def test_results_refuse_unknown_break_downs_other_rounds_and_other_tenants(
        surveyed, sql, database_url, responses):
    _slack, api = setup_world(surveyed, sql, database_url)
    survey_id = create_survey(api)
    other = create_survey(api, name="other")
    other_round = _round(api, other)
    assert api.get(f"/api/v1/surveys/{survey_id}/results?by=salary").status_code == 422
    assert api.get(f"/api/v1/surveys/{survey_id}/results?by=department,department").status_code == 422
    assert api.get(f"/api/v1/surveys/{survey_id}/results").status_code == 404  # no round yet
    assert api.get(f"/api/v1/surveys/{survey_id}/results?round={other_round}").status_code == 404
    assert api.get(f"/api/v1/surveys/{survey_id}/results?round=99999999999").status_code == 422
    assert api.get("/api/v1/rounds/424242").status_code == 404
    assert api.post("/api/v1/surveys/424242/send-now").status_code == 404
    assert httpx.get(f"{surveyed.base_url}/api/v1/surveys").status_code == 401
