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
