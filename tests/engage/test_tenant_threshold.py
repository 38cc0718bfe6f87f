"""The anonymity pool under a tenant's own threshold: batches are at least max(environment, tenant)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.conftest import ALICE, BOB, CAROL, DAVE, Served, make_settings, scalar, wait_until
from tests.engage.conftest import ERIN, FRANK, PEOPLE, create_survey, invitations, press, setup_world
from tests.fakes.slack_api import FakeSlack

RESPONSES = "select count(*) from survey_response"
POOLED = "select count(*) from survey_pool"


@pytest.fixture
def strict(database_url: str, fake_slack: FakeSlack) -> Iterator[Served]:
    """Fivefold whose operator set FIVEFOLD_ANONYMITY_THRESHOLD=5, ticking every 0.2 s."""
    fake_slack.add_user(ERIN, "Erin", tz="Europe/London")
    fake_slack.add_user(FRANK, "Frank", tz="America/Los_Angeles")
    settings = make_settings(database_url, fake_slack.url, FIVEFOLD_ANONYMITY_THRESHOLD=5,
                             FIVEFOLD_SCHEDULER_INTERVAL_SECONDS=0.2)
    with Served(settings) as running:
        yield running


def answer(slack, round_id: int, people: list[str]) -> None:
    for index, person in enumerate(people):
        assert slack.interaction(press(person, f"{round_id}:9", f"7.{index}.{person}")).status_code == 200


def still_pooled(sql, pooled: int) -> None:
    """Several scheduler ticks later the answers still wait in the pool."""
    wait_until(lambda: scalar(sql, POOLED) == pooled, message="answers pooled")
    time.sleep(1.5)
    assert scalar(sql, POOLED) == pooled and scalar(sql, RESPONSES) == 0


def test_a_tenant_below_the_operators_threshold_shows_small_groups_but_batches_stay_at_the_floor(
        strict, sql, database_url, fake_slack):
    slack, api = setup_world(strict, sql, database_url)
    assert api.put("/api/v1/settings/limits", json={"anonymity_threshold": 3}).status_code == 200
    survey_id = create_survey(api)
    round_id = api.post(f"/api/v1/surveys/{survey_id}/send-now").json()["round_id"]
    invitations(fake_slack, len(PEOPLE))
    answer(slack, round_id, [ALICE, BOB, CAROL, DAVE])
    still_pooled(sql, 4)  # 4 ≥ the tenant's 3, but below the operator's 5: no batch yet
    answer(slack, round_id, [ERIN])
    wait_until(lambda: scalar(sql, RESPONSES) == 5, message="one batch of five")
    assert scalar(sql, POOLED) == 0
    results = api.get(f"/api/v1/surveys/{survey_id}/results").json()
    assert results["anonymity_threshold"] == 3 and results["responded"] == 5
    assert "suppressed" not in results["questions"][0] and results["questions"][0]["enps"]["promoters"] == 5


def test_a_tenant_above_the_operators_threshold_batches_at_its_own(surveyed, sql, database_url, fake_slack):
    slack, api = setup_world(surveyed, sql, database_url)  # the operator's threshold is 3
    assert api.put("/api/v1/settings/limits", json={"anonymity_threshold": 4}).status_code == 200
    survey_id = create_survey(api)
    round_id = api.post(f"/api/v1/surveys/{survey_id}/send-now").json()["round_id"]
    invitations(fake_slack, len(PEOPLE))
    answer(slack, round_id, [ALICE, BOB, CAROL])
    still_pooled(sql, 3)
    results = api.get(f"/api/v1/surveys/{survey_id}/results").json()
    assert results["anonymity_threshold"] == 4 and results["responded"] == 0  # pooled answers are not counted yet
    answer(slack, round_id, [DAVE])
    wait_until(lambda: scalar(sql, RESPONSES) == 4, message="one batch of four")
    assert "suppressed" not in api.get(f"/api/v1/surveys/{survey_id}/results").json()["questions"][0]


def test_the_survey_kpis_and_their_digest_read_the_tenants_threshold(surveyed, sql, database_url, fake_slack):
    from tests.engage.test_kpis import _answer_and_close, _kpi

    slack, api = setup_world(surveyed, sql, database_url)  # the operator's threshold is 3
    api.put("/api/v1/settings/programme", json={"leadership_channel": "C0LEADERS"}).raise_for_status()
    _answer_and_close(slack, api, sql, fake_slack, {ALICE: 10, BOB: 9, CAROL: 3, DAVE: 8})
    assert _kpi(api, "eNPS", 26, "enps")["latest"] == 25.0  # four answers, threshold 3: shown
    assert api.put("/api/v1/settings/limits", json={"anonymity_threshold": 5}).status_code == 200
    kpi = api.get("/api/v1/kpis").json()[0]
    assert (kpi["latest"], kpi["status"]) == (None, "no_data")  # four answers, threshold 5: never a number
    # the digest runs as the scheduler does, on the process settings (FIVEFOLD_ANONYMITY_THRESHOLD unset: 5);
    # the tenant's own 3 is what counts
    assert api.put("/api/v1/settings/limits", json={"anonymity_threshold": 3}).status_code == 200
    assert api.post("/api/v1/digests/kpi/send-now").json() == {"kind": "kpi", "messages": 1}
    wait_until(lambda: [c for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == "C0LEADERS"])
    digest = str(next(c.params for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == "C0LEADERS"))
    assert "eNPS*: 25 against a target of 26 — close" in digest
