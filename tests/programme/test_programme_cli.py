"""`fivefold ambassadors list` against both databases."""

from __future__ import annotations

from sqlalchemy import text

from tests.conftest import ALICE, BOB, CAROL
from tests.test_cli import add_members, add_tenant, fivefold  # noqa: F401 - the fixture


def add_application(sql, external_id: str, area: str, hours: int, status: str) -> None:
    with sql.begin() as conn:
        conn.execute(text(
            "insert into ambassador (tenant_id, member_id, motivation, area, hours_per_month, status, created_at) "
            "select 1, id, 'why not', :area, :hours, :status, CURRENT_TIMESTAMP from member where external_id = :ext"),
            {"ext": external_id, "area": area, "hours": hours, "status": status})


def test_ambassadors_list_prints_the_roster_by_area(fivefold, sql):  # noqa: F811
    assert fivefold("ambassadors", "list").exit_code == 1  # no tenant yet
    add_tenant(sql)
    add_members(sql)
    assert fivefold("ambassadors", "list").stdout.strip() == "no ambassadors yet"
    add_application(sql, ALICE, "Support", 4, "approved")
    add_application(sql, BOB, "Billing", 2, "approved")
    add_application(sql, CAROL, "Billing", 8, "pending")
    result = fivefold("ambassadors", "list")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"Billing\t{BOB}\t{BOB}\t2 h/month",
        f"Support\t{ALICE}\t{ALICE}\t4 h/month",
    ]


def test_kpis_import_enters_values_all_or_nothing(fivefold, sql, tmp_path):  # noqa: F811
    add_tenant(sql)
    with sql.begin() as conn:
        for name, source in (("CSAT", "entered"), ("Stories", "stories_published")):
            conn.execute(text("insert into kpi (tenant_id, name, unit, target, direction, source, position, "
                              "created_at) values (1, :name, '', 90, 'higher', :source, 0, CURRENT_TIMESTAMP)"),
                         {"name": name, "source": source})
    bad = tmp_path / "bad.csv"
    bad.write_text("kpi,period,value\nCSAT,2026-11-02,88\nNPS,2026-11-02,10\nStories,2026-11-02,3\n"
                   "CSAT,someday,1\n", encoding="utf-8")
    result = fivefold("kpis", "import", bad)
    assert result.exit_code == 1
    assert "line 5: period:" in result.output  # the format is checked first
    bad.write_text("kpi,period,value\nCSAT,2026-11-02,88\nNPS,2026-11-02,10\nStories,2026-11-02,3\n",
                   encoding="utf-8")
    output = fivefold("kpis", "import", bad).output
    assert "line 3: kpi: no KPI named 'NPS'" in output and "line 4: kpi: 'Stories' is computed" in output
    good = tmp_path / "good.csv"
    good.write_text("kpi,period,value\nCSAT,2026-11-02,88\nCSAT,2026-11-09,91.5\n", encoding="utf-8")
    assert "2 values entered" in fivefold("kpis", "import", good).stdout
    assert fivefold("kpis", "import", good).exit_code == 0  # the same periods again are replaced
    with sql.connect() as conn:
        assert conn.execute(text("select count(*), max(value) from kpi_value")).one() == (2, 91.5)
