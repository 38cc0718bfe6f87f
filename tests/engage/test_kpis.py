"""The survey KPIs end to end: members answer through Slack, the round closes, `GET /api/v1/kpis` reads it."""

from __future__ import annotations

import httpx
import pytest

from bot.settings import get_settings
from tests.conftest import ALICE, BOB, CAROL, DAVE, scalar, wait_until
from tests.engage.conftest import PEOPLE, THRESHOLD, create_survey, invitations, press, setup_world


def _kpi(api: httpx.Client, name: str, target: float, source: str) -> dict:
    created = api.post("/api/v1/kpis", json={"name": name, "target": target, "direction": "higher", "source": source})
    assert created.status_code == 201, created.text
    return created.json()


def _kpis(api: httpx.Client) -> dict[str, dict]:
    return {row["name"]: row for row in api.get("/api/v1/kpis").json()}


def _answer_and_close(slack, api: httpx.Client, sql, fake_slack, scores: dict[str, int]) -> int:
    """A pulse round sent to six members, answered by buttons in Slack, then closed; returns the survey id."""
    survey_id = create_survey(api)
    round_id = api.post(f"/api/v1/surveys/{survey_id}/send-now").json()["round_id"]
    invitations(fake_slack, len(PEOPLE))
    for index, (person, score) in enumerate(scores.items()):
        assert slack.interaction(press(person, f"{round_id}:{score}", f"7.{index}.k")).status_code == 200
    wait_until(lambda: scalar(sql, "select count(*) from survey_participation where responded") == len(scores),
               message="answers recorded")
    assert api.post(f"/api/v1/rounds/{round_id}/close").status_code == 200  # writes what is still pooled
    assert scalar(sql, "select count(*) from survey_response") == len(scores)
    return survey_id


def test_enps_and_participation_of_the_latest_closed_round_against_a_hand_count(surveyed, sql, database_url,
                                                                                fake_slack):
    slack, api = setup_world(surveyed, sql, database_url)
    _kpi(api, "eNPS", 26, "enps")
    _kpi(api, "eNPS floor", 25, "enps")
    _kpi(api, "Participation", 80, "survey_participation")
    assert {row["status"] for row in _kpis(api).values()} == {"no_data"}  # no survey yet
    survey_id = _answer_and_close(slack, api, sql, fake_slack, {ALICE: 10, BOB: 9, CAROL: 3, DAVE: 8})
    rows = _kpis(api)
    # hand count: promoters 10, 9 (2); passive 8 (1); detractor 3 (1); (2 − 1) / 4 = 25.0
    assert (rows["eNPS"]["latest"], rows["eNPS"]["status"]) == (25.0, "close")  # 1 short of 26, within 5 %
    assert (rows["eNPS floor"]["latest"], rows["eNPS floor"]["status"]) == (25.0, "met")
    # 4 of the 6 invited answered: 66.7 %, 13.3 short of 80
    assert (rows["Participation"]["latest"], rows["Participation"]["status"]) == (66.7, "missed")
    results = api.get(f"/api/v1/surveys/{survey_id}/results").json()
    assert results["questions"][0]["enps"]["score"] == 25.0 and results["participation"] == 66.7

    reopened = api.post(f"/api/v1/surveys/{survey_id}/send-now").json()["round_id"]
    assert _kpis(api)["eNPS"]["latest"] == 25.0  # a round still open does not count
    create_survey(api, name="Likert only", questions=[{"kind": "likert_1_5", "text": "Fair?"}])  # no eNPS in it
    assert api.post(f"/api/v1/rounds/{reopened}/close").status_code == 200  # the newest closed round: no answers
    rows = _kpis(api)
    assert (rows["eNPS"]["latest"], rows["eNPS"]["status"]) == (None, "no_data")
    assert (rows["Participation"]["latest"], rows["Participation"]["status"]) == (0.0, "missed")


@pytest.fixture
def process_threshold(monkeypatch):
    """The digests read the process settings (as the scheduler does): the same threshold as the served app."""
    monkeypatch.setenv("FIVEFOLD_ANONYMITY_THRESHOLD", str(THRESHOLD))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_the_kpi_digest_shows_the_survey_kpis(surveyed, sql, database_url, fake_slack, process_threshold):
    slack, api = setup_world(surveyed, sql, database_url)
    api.put("/api/v1/settings/programme", json={"leadership_channel": "C0LEADERS"}).raise_for_status()
    _kpi(api, "eNPS", 26, "enps")
    _kpi(api, "Participation", 80, "survey_participation")
    _answer_and_close(slack, api, sql, fake_slack, {ALICE: 10, BOB: 9, CAROL: 3, DAVE: 8})
    assert api.post("/api/v1/digests/kpi/send-now").json() == {"kind": "kpi", "messages": 1}
    wait_until(lambda: [c for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == "C0LEADERS"])
    digest = str(next(c.params for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == "C0LEADERS"))
    assert "eNPS*: 25 against a target of 26 — close" in digest
    assert "Participation*: 66.7 against a target of 80 — missed" in digest


def test_too_few_respondents_give_no_data_never_a_number(surveyed, sql, database_url, fake_slack):
    slack, api = setup_world(surveyed, sql, database_url)
    scores = dict(zip([ALICE, BOB], [10, 10], strict=True))
    assert len(scores) < THRESHOLD
    _answer_and_close(slack, api, sql, fake_slack, scores)
    enps = _kpi(api, "eNPS", 20, "enps")
    assert (enps["latest"], enps["status"], enps["trend"]) == (None, "no_data", None)
    assert (_kpis(api)["eNPS"]["latest"], _kpis(api)["eNPS"]["status"]) == (None, "no_data")
    # participation counts people, not answers: it is shown, as the survey's own results show it
    assert _kpi(api, "Participation", 30, "survey_participation")["latest"] == 33.3
