"""The overview's charts over real HTTP: eNPS and participation (suppressed below the tenant's threshold), KPIs
against target, customer NPS, the current send rate; each with its numbers in the table beside it."""

from __future__ import annotations

import datetime as dt
import re

import httpx
from sqlalchemy import text

from bot.console.models import ConsoleRole
from bot.console.render import number
from tests.conftest import scalar, wait_until
from tests.console.conftest import signed_in
from tests.console.test_kpi_pages import add_kpi
from tests.console.test_survey_pages import survey_with_round
from tests.engage.conftest import admin_key, write_responses
from tests.fakes.slack_api import TEAM
from tests.slack_requests import SlackSender

ROW = re.compile(r'<tr><th scope="row">([^<]*)</th>(.*?)</tr>')
CELL = re.compile(r"<td>([^<]*)</td>")


def table(page: str, title: str) -> list[tuple[str, list[str]]]:
    """The rows of the table beside the chart whose heading starts with `title`: label and cells."""
    found = re.search(r'<h2 id="chart-\d+">' + re.escape(title) + r"(.*?)</section>", page, re.S)
    assert found, f"no chart titled {title!r}"
    return [(label, CELL.findall(cells)) for label, cells in ROW.findall(found.group(1))]


def other_tenant(console, sql) -> httpx.Client:
    """An admin of a second tenant, who has no data at all."""
    with sql.begin() as conn:
        conn.execute(text("insert into tenant (platform, external_id, name, default_locale, default_timezone,"
                          " created_at) values ('teams', 'other-tenant', 'Other Co', 'en', 'UTC', CURRENT_TIMESTAMP)"))
    return signed_in(console, "hr@other.example", ConsoleRole.ADMIN,
                     tenant_id=scalar(sql, "select id from tenant where external_id = 'other-tenant'"))


def test_the_enps_trend_shows_a_round_under_the_tenants_threshold_as_suppressed(console, fake_slack, sql):
    with sql.begin() as conn:  # the tenant's own threshold wins over the environment's 5
        conn.execute(text("update tenant set anonymity_threshold = 4"))
    survey_id, first = survey_with_round(console, fake_slack)
    secret, url = console.settings.secret_key.get_secret_value(), console.settings.database_url
    write_responses(url, first, [({}, {"recommend": 10})] * 3, secret)  # 3 < 4: suppressed
    with httpx.Client(base_url=console.base_url, timeout=30,
                      headers={"Authorization": f"Bearer {admin_key(url)}"}) as api:
        assert api.post(f"/api/v1/rounds/{first}/close").status_code == 200
        second = int(api.post(f"/api/v1/surveys/{survey_id}/send-now").json()["round_id"])
        write_responses(url, second, [({}, {"recommend": s}) for s in (9, 8, 6, 0)], secret)
        assert api.post(f"/api/v1/rounds/{second}/close").status_code == 200
        third = int(api.post(f"/api/v1/surveys/{survey_id}/send-now").json()["round_id"])  # open: not shown
        write_responses(url, third, [({}, {"recommend": 10})] * 5, secret)

    admin = signed_in(console, "hr@example.com")
    rows = table(admin.get("/admin").text, "eNPS and participation: Pulse &lt;b&gt;Q4&lt;/b&gt;")
    assert [cells for _label, cells in rows] == [
        ["suppressed", "50", "fewer than 4 respondents"],  # 3 of 6 answered; no eNPS shown, not even 100
        ["-25", "66.7", ""],  # promoters 1, detractors 6 and 0: (1 − 2) / 4
    ]
    assert add_kpi(admin, name="Team eNPS", source="enps", target="10", direction="higher", unit="",
                   owner="").status_code == 303  # read under the tenant's threshold too: 4 answers count
    assert table(admin.get("/admin").text, "KPI status against target") == [("Team eNPS", ["-25", "10", "missed"])]
    kpi_row = admin.get("/admin/kpis").text.split("Team eNPS")[1].split("</tr>")[0]
    assert "-25" in kpi_row and "missed" in kpi_row
    polish = table(admin.get("/admin", params={"lang": "pl"}).text, "eNPS i udział")
    assert polish[0][1][0] == "ukryte" and polish[0][1][2] == "mniej niż 4 respondentów"
    analyst = signed_in(console, "analyst@example.com", ConsoleRole.ANALYST)
    assert len(table(analyst.get("/admin").text, "eNPS and participation")) == 2
    reviewer = signed_in(console, "reviewer@example.com", ConsoleRole.REVIEWER)
    assert "eNPS" not in reviewer.get("/admin").text  # survey results are for admins and analysts
    other = other_tenant(console, sql)
    assert table(other.get("/admin").text, "eNPS and participation") == []


def test_kpis_against_target_and_customer_nps_per_week_show_their_numbers(console, sql):
    admin = signed_in(console, "hr@example.com")
    assert add_kpi(admin).status_code == 303  # "<i>First</i> reply time", target 4 h, lower is better
    assert add_kpi(admin, name="Customers", source="customer_nps", target="30", direction="higher",
                   owner="").status_code == 303
    assert add_kpi(admin, name="Empty", target="10", direction="higher", owner="").status_code == 303
    kpi_id = scalar(sql, "select id from kpi where name like '%reply%'")
    page = admin.get("/admin/kpis")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    assert admin.post(f"/admin/kpis/{kpi_id}/value",
                      data={"csrf": csrf, "period": "2026-11-01", "value": "4.1"}).status_code == 303
    today = dt.datetime.now(dt.UTC).date()
    monday = today - dt.timedelta(days=today.weekday())
    answers = [{"score": s, "team": "Support", "date": monday.isoformat()} for s in (10, 9, 9, 3)]
    answers += [{"score": 10, "team": "Sales", "date": (monday - dt.timedelta(weeks=1)).isoformat()}]
    url = console.settings.database_url
    with httpx.Client(base_url=console.base_url, timeout=30,
                      headers={"Authorization": f"Bearer {admin_key(url)}"}) as api:
        assert api.post("/api/v1/feedback", json=answers).status_code == 201

    overview = admin.get("/admin").text
    kpis = table(overview, "KPI status against target")
    assert kpis == [("&lt;i&gt;First&lt;/i&gt; reply time", ["4.1", "4", "close"]),  # within 5 % of 4
                    ("Customers", ["60", "30", "met"]),  # (3 − 1) / 5 over the last 30 days
                    ("Empty", ["–", "10", "no data"])]
    weeks = dict(table(overview, "Customer NPS per week"))
    assert len(weeks) == 8 and weeks[monday.isoformat()] == ["50", "4"]  # (3 − 1) / 4; the answers beside
    assert weeks[(monday - dt.timedelta(weeks=1)).isoformat()] == ["100", "1"]
    assert weeks[(monday - dt.timedelta(weeks=2)).isoformat()] == ["–", "0"]
    polish = admin.get("/admin", params={"lang": "pl"}).text
    assert table(polish, "Stan KPI względem celu")[0][1][2] == "blisko"
    reviewer = signed_in(console, "reviewer@example.com", ConsoleRole.REVIEWER).get("/admin").text
    assert "reply time" not in reviewer and "Customer NPS" not in reviewer
    other = other_tenant(console, sql).get("/admin").text
    assert table(other, "KPI status against target") == [] and table(other, "Customer NPS per week") == []


def metrics_rate(console) -> float | None:
    """What `/metrics` says the tenant's send rate is."""
    found = re.search(r'fivefold_send_rate_per_second\{tenant="slack:' + TEAM + r'"\} (\S+)',
                      httpx.get(console.base_url + "/metrics").text)
    return float(found.group(1)) if found else None


def test_delivery_health_shows_the_current_send_rate_as_metrics_does(console, sql):
    SlackSender(console.base_url).command("/kudos", "<@U0BOB0001|bob> thanks", user="U0ALICE01")
    wait_until(lambda: scalar(sql, "select count(*) from delivery where status in ('pending', 'in_flight')") == 0
               and scalar(sql, "select count(*) from delivery where status = 'sent'") >= 1, timeout=20,
               message="the kudos messages sent")
    admin = signed_in(console, "hr@example.com")
    rows = table(admin.get("/admin").text, "Delivery health")
    stored = scalar(sql, "select rate from pace where key = 't:1'")  # PostgreSQL: shared by every worker
    rate = stored if stored is not None else metrics_rate(console)  # SQLite: this process's pacing
    assert rate is not None and rows == [("slack", ["0", "0", "0", f"{number(rate)} a second"])]
    if console.settings.database_url.startswith("postgresql"):
        with sql.begin() as conn:  # another worker process found a slower rate
            conn.execute(text("update pace set rate = 7.25 where key = 't:1'"))
        assert table(admin.get("/admin").text, "Delivery health")[0][1][3] == "7.25 a second"
    polish = table(admin.get("/admin", params={"lang": "pl"}).text, "Stan wysyłek")
    assert polish[0][1][3].endswith("na sekundę")
    other = table(other_tenant(console, sql).get("/admin").text, "Delivery health")
    assert other == [("teams", ["0", "0", "0", "not measured yet"])]
