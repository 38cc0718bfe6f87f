"""The KPI page over real HTTP: status against target with the trend's chart and table, values, comments, roles."""

from __future__ import annotations

import httpx
from sqlalchemy import text

from bot.console.models import ConsoleRole
from tests.conftest import ALICE, column, scalar
from tests.console.conftest import csrf_of, signed_in

NAME = "<i>First</i> reply time"


def add_kpi(admin: httpx.Client, **fields: str) -> httpx.Response:
    form = {"name": NAME, "unit": "h", "target": "4", "direction": "lower", "owner": ALICE, "source": "entered",
            **fields}
    return admin.post("/admin/kpis/new", data={**form, "csrf": csrf_of(admin.get("/admin/kpis"))})


def test_an_admin_adds_a_kpi_enters_values_and_a_comment_and_sees_status_and_trend(console, sql):
    admin = signed_in(console, "hr@example.com")
    assert "No KPIs yet." in admin.get("/admin/kpis").text
    assert add_kpi(admin).status_code == 303
    unknown = add_kpi(admin, name="Other", owner="U0NOBODY")
    assert unknown.status_code == 422 and "no member" in unknown.text
    assert add_kpi(admin).status_code == 422  # the name is taken
    assert add_kpi(admin, name="Bad", target="lots").status_code == 422
    assert add_kpi(admin, name="Kudos", source="kudos_per_active_member", target="2", direction="higher",
                   owner="").status_code == 303
    assert scalar(sql, "select count(*) from kpi") == 2
    kpi_id = scalar(sql, "select id from kpi where source = 'entered'")
    computed_id = scalar(sql, "select id from kpi where source <> 'entered'")

    csrf = csrf_of(admin.get("/admin/kpis"))
    for period, value in (("2026-10-01", "5.5"), ("2026-11-01", "4.1")):
        answer = admin.post(f"/admin/kpis/{kpi_id}/value", data={"csrf": csrf, "period": period, "value": value})
        assert answer.status_code == 303
    bad = admin.post(f"/admin/kpis/{kpi_id}/value", data={"csrf": csrf, "period": "soon", "value": "1"})
    assert bad.status_code == 422 and scalar(sql, "select count(*) from kpi_value") == 2
    assert admin.post(f"/admin/kpis/{computed_id}/value",
                      data={"csrf": csrf, "period": "2026-11-01", "value": "9"}).status_code == 409
    assert admin.post(f"/admin/kpis/{kpi_id}/comment", data={"csrf": csrf, "comment": " "}).status_code == 422
    assert admin.post(f"/admin/kpis/{kpi_id}/comment",
                      data={"csrf": csrf, "comment": "Two <b>new</b> hires start"}).status_code == 303

    page = admin.get("/admin/kpis").text
    assert "&lt;i&gt;First&lt;/i&gt; reply time" in page and "<i>First" not in page
    row = page.split(f'href="#kpi-{kpi_id}"')[1].split("</tr>")[0]
    assert "4.1h" in row and "close" in row and "down" in row and "Alice" in row  # 4.1 is within 5 % of 4
    assert "Two &lt;b&gt;new&lt;/b&gt; hires start" in row
    assert '<th scope="row">2026-10-01</th><td>5.5</td>' in page and '<th scope="row">2026-11-01</th><td>4.1</td>' in page
    assert page.count('<svg role="img"') == 2
    assert f'action="/admin/kpis/{computed_id}/value"' not in page  # computed: shown, not editable
    assert f'action="/admin/kpis/{kpi_id}/value"' in page
    actions = column(sql, "select action from console_audit where action like 'kpi.%' order by id")
    assert actions == ["kpi.created", "kpi.created", "kpi.value_entered", "kpi.value_entered", "kpi.commented"]


def test_analysts_read_kpis_without_owners_and_change_nothing_other_tenants_see_nothing(console, sql):
    admin = signed_in(console, "hr@example.com")
    assert add_kpi(admin).status_code == 303
    kpi_id = scalar(sql, "select id from kpi")
    analyst = signed_in(console, "analyst@example.com", ConsoleRole.ANALYST)
    page = analyst.get("/admin/kpis")
    assert page.status_code == 200 and "First" in page.text and "Alice" not in page.text
    assert "/value" not in page.text and "/admin/kpis/new" not in page.text
    csrf = csrf_of(page)
    assert analyst.post(f"/admin/kpis/{kpi_id}/value",
                        data={"csrf": csrf, "period": "2026-11-01", "value": "3"}).status_code == 403
    assert analyst.post(f"/admin/kpis/{kpi_id}/comment", data={"csrf": csrf, "comment": "x"}).status_code == 403
    assert analyst.post("/admin/kpis/new", data={"csrf": csrf, "name": "x", "target": "1",
                                                 "direction": "higher"}).status_code == 403
    assert admin.post(f"/admin/kpis/{kpi_id}/comment", data={"csrf": "forged", "comment": "x"}).status_code == 403
    assert signed_in(console, "reviewer@example.com", ConsoleRole.REVIEWER).get("/admin/kpis").status_code == 403
    with sql.begin() as conn:
        conn.execute(text("insert into tenant (platform, external_id, name, default_locale, default_timezone, created_at)"
                          " values ('teams', 'other-tenant', 'Other Co', 'en', 'UTC', CURRENT_TIMESTAMP)"))
    other = signed_in(console, "hr@other.example", ConsoleRole.ADMIN,
                      tenant_id=scalar(sql, "select id from tenant where external_id = 'other-tenant'"))
    assert "First" not in other.get("/admin/kpis").text
    other_csrf = csrf_of(other.get("/admin/kpis"))
    assert other.post(f"/admin/kpis/{kpi_id}/value",
                      data={"csrf": other_csrf, "period": "2026-11-01", "value": "3"}).status_code == 404
    assert other.post(f"/admin/kpis/{kpi_id}/comment", data={"csrf": other_csrf, "comment": "x"}).status_code == 404
    assert scalar(sql, "select count(*) from kpi_value") == 0 and scalar(sql, "select count(*) from kpi_comment") == 0
    assert "Wskaźniki" in analyst.get("/admin/kpis", params={"lang": "pl"}).text
