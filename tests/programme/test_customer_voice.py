"""The customer's voice over real HTTP and the CLI: feedback in, NPS out, the weekly card in Slack."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import ALICE, scalar, wait_until
from tests.programme.helpers import admin_client
from tests.test_cli import add_tenant, fivefold  # noqa: F401 - the fixture

TODAY = dt.date.today()


def answer(score: int, team: str = "Support", days_ago: int = 0, **extra) -> dict:
    return {"score": score, "team": team, "date": str(TODAY - dt.timedelta(days=days_ago)), **extra}


@pytest.fixture
def api(slack, served, database_url):
    slack.command("/cx", "help", user=ALICE)  # the workspace becomes a tenant
    with admin_client(served, database_url) as client:
        yield client


def test_single_and_batch_feedback_and_reimport_changes_nothing(api, sql):
    one = api.post("/feedback", json=answer(9, external_id="zd-1", comment="Great", touchpoint="chat"))
    assert one.status_code == 201 and one.json() == {"created": 1, "unchanged": 0}
    batch = [answer(3, external_id="zd-1"), answer(7, external_id="zd-2"), answer(10)]
    assert api.post("/feedback", json=batch).json() == {"created": 2, "unchanged": 1}
    assert scalar(sql, "select score from feedback where external_id = 'zd-1'") == 9  # not overwritten
    bad = api.post("/feedback", json=[answer(8), answer(11), {"score": 5, "date": "yesterday"}])
    assert bad.status_code == 422
    locations = [error["loc"] for error in bad.json()["detail"]]
    assert ["body", "list[FeedbackIn]", 1, "score"] in locations and ["body", "list[FeedbackIn]", 2, "team"] in locations
    assert scalar(sql, "select count(*) from feedback") == 3


def test_customer_nps_per_team_matches_a_hand_count(api):
    # Support: 10 10 9 9 (promoters) 8 (passive) 6 3 (detractors) → (4 − 2) / 7 = 28.571… → 28.6
    support = [answer(s) for s in (10, 10, 9, 9, 8, 6, 3)]
    billing = [answer(s, team="Billing") for s in (7, 8, 0)]  # (0 − 1) / 3 → -33.3
    api.post("/feedback", json=support + billing)
    rows = api.get("/feedback/nps", params={"by": "team", "period": "week"}).json()
    by_team = {row["team"]: row for row in rows}
    assert by_team["Support"] | {"period": None} == {"team": "Support", "period": None, "responses": 7,
                                                    "promoters": 4, "passives": 1, "detractors": 2, "nps": 28.6}
    assert by_team["Billing"]["nps"] == -33.3 and by_team["Billing"]["passives"] == 2
    assert by_team["Support"]["period"] == str(TODAY - dt.timedelta(days=TODAY.weekday()))
    assert api.get("/feedback/nps", params={"by": "channel"}).status_code == 422
    empty = api.get("/feedback/nps", params={"from": str(TODAY + dt.timedelta(days=1))}).json()
    assert empty == []


def test_weekly_card_shows_nps_trend_and_masked_verbatims(api, fake_slack, sql):
    settings = {"team_channels": {"Support": "C0SUPPORT", "Billing": "C0BILLING"}}
    assert api.put("/settings/programme", json=settings).status_code == 200
    api.post("/feedback", json=[
        answer(10, comment="Anna fixed it, write to anna.k@example.com", touchpoint="chat"),
        answer(9, comment="Call me back on +48 601 234 567 please", days_ago=1),
        answer(2, comment="Waited two days", touchpoint="email", days_ago=2),
        answer(0, days_ago=9), answer(10, days_ago=10),  # the week before: NPS 0.0
    ])
    sent = api.post("/digests/customers/send-now")
    assert sent.json() == {"kind": "customers", "messages": 1}  # Billing had no answers
    wait_until(lambda: fake_slack.calls_to("chat.postMessage"))
    card = fake_slack.calls_to("chat.postMessage")[0].params
    text = str(card["blocks"])
    assert card["channel"] == "C0SUPPORT" and card["text"] == "What our customers said — Support"
    assert "Customer NPS this week: 33.3 (3 answers)." in text
    assert "Up 33.3 points on the week before (0.0)." in text
    assert "write to [e-mail hidden]" in text and "Call me back on [phone hidden] please" in text
    assert "example.com" not in text and "601" not in text
    assert "“Waited two days” — 2/10, email" in text
    assert scalar(sql, "select lane from delivery") == "broadcast"


GOOD = "score,comment,touchpoint,team,date,external_id\n9,Lovely,chat,Support,2026-11-02,a1\n" \
       "4,,phone,Billing,2026-11-03,a2\n10,Fast,,Support,2026-11-04,\n"


def test_csv_import_is_all_or_nothing_and_reimport_changes_nothing(fivefold, sql, tmp_path: Path):  # noqa: F811
    add_tenant(sql)
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    first = fivefold("feedback", "import", good)
    assert first.exit_code == 0, first.output
    assert "3 created, 0 unchanged" in first.stdout
    assert "1 created, 2 unchanged" in fivefold("feedback", "import", good).stdout  # the row without an id is new
    bad = tmp_path / "bad.csv"
    bad.write_text("score,team,date,external_id\n9,Support,2026-11-02,b1\n11,Support,2026-11-02,b2\n"
                   "8,,2026-11-02,b3\n7,Support,02/11/2026,b4\n", encoding="utf-8")
    result = fivefold("feedback", "import", bad)
    assert result.exit_code == 1
    for line, field in ((3, "score"), (4, "team"), (5, "date")):
        assert f"line {line}: {field}:" in result.output, result.output
    assert "nothing imported" in result.output
    assert scalar(sql, "select count(*) from feedback") == 4
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("score,team,day\n9,Support,2026-11-02\n", encoding="utf-8")
    output = fivefold("feedback", "import", wrong).output
    assert "unknown column 'day'" in output and "missing column 'date'" in output
