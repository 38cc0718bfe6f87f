"""Members CSV import: pure parsing with line-numbered problems, and an all-or-nothing upsert."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from bot.db import Database
from bot.members_import import ImportSummary, MembersImportError, apply_import, parse_members_csv
from tests.conftest import scalar


def problems_of(text: str) -> list[str]:
    with pytest.raises(MembersImportError) as caught:
        parse_members_csv(text)
    return caught.value.problems


def test_parse_reads_attributes_and_normalises():
    rows = parse_members_csv(
        "\ufeffPlatform_ID,Email,department,country,start_date,location\n"
        "U0ALICE01,,Support,pl,2024-03-01,Kraków\n"
        ",Bob@Example.com,,,,\n"
    )
    assert [row.line for row in rows] == [2, 3]
    assert rows[0].platform_id == "U0ALICE01" and rows[0].email is None
    assert rows[0].values == {"department": "Support", "location": "Kraków", "country": "PL",
                              "start_date": dt.date(2024, 3, 1)}
    assert rows[1].platform_id is None and rows[1].email == "bob@example.com" and rows[1].values == {}


def test_parse_reports_every_bad_row_with_its_line():
    problems = problems_of(
        "platform_id,email,country,start_date\n"
        "U1,,PL,2024-01-01\n"
        "U2,,XX,2024-01-01\n"
        ",,PL,\n"
        "U3,,DE,2024-02-30\n"
        "U1,,,\n"
        "U4,not-an-email,,20240101\n"
    )
    assert problems == [
        "line 3: country 'XX' is not an ISO 3166 two-letter code",
        "line 4: platform_id or email is required",
        "line 5: start_date '2024-02-30' is not a date (YYYY-MM-DD)",
        "line 6: platform id U1 is also in line 2",
        "line 7: email 'not-an-email' is not an email address",
        "line 7: start_date '20240101' is not a date (YYYY-MM-DD)",
    ]


def test_parse_refuses_nul_characters():
    assert problems_of("platform_id,department\nU1,Sup\x00port\n") == ["line 2: department contains a NUL character"]


@pytest.mark.parametrize("header", ["department,country", "platform_id,team", ""])
def test_parse_refuses_a_header_without_an_id_column_or_with_unknown_columns(header):
    problems = problems_of(header + "\nx,y\n")
    assert len(problems) == 1 and problems[0].startswith("line 1: the header needs platform_id or email")


def test_parse_refuses_extra_cells():
    assert problems_of("platform_id,country\nU1,PL,oops\n") == ["line 2: more cells than columns"]


def seed(sql) -> None:
    with sql.begin() as conn:
        conn.exec_driver_sql(
            "insert into tenant (platform, external_id, name, default_locale, default_timezone, created_at) "
            "values ('slack', 'T0FIVE001', 'Test', 'en', 'UTC', CURRENT_TIMESTAMP)")
        for external_id, email in (("U0ALICE01", "alice@example.com"), ("U0BOB0001", "bob@example.com")):
            conn.exec_driver_sql(
                "insert into member (tenant_id, external_id, display_name, real_name, email, is_bot, is_deleted, "
                f"created_at) values (1, '{external_id}', '{external_id}', '', '{email}', false, false, "
                "CURRENT_TIMESTAMP)")


def apply(database_url: str, text: str) -> ImportSummary:
    async def run() -> ImportSummary:
        db = Database(database_url)
        try:
            async with db.transaction() as session:
                return await apply_import(session, 1, parse_members_csv(text))
        finally:
            await db.close()

    return asyncio.run(run())


def test_apply_upserts_by_platform_id_and_email(database_url, sql):
    seed(sql)
    summary = apply(database_url, "platform_id,email,department,country,start_date\n"
                                  "U0ALICE01,,Support,PL,2024-03-01\n"
                                  ",BOB@example.com,Sales,,\n"
                                  "U0NEW0001,new@example.com,Support,UA,2025-01-15\n")
    assert summary == ImportSummary(created=1, updated=2, unchanged=0)
    assert scalar(sql, "select department || country || start_date from member where external_id='U0ALICE01'") \
        == "SupportPL2024-03-01"
    assert scalar(sql, "select department from member where external_id='U0BOB0001'") == "Sales"
    assert scalar(sql, "select country from member where external_id='U0BOB0001'") is None
    assert scalar(sql, "select email from member where external_id='U0NEW0001'") == "new@example.com"
    again = apply(database_url, "platform_id,department\nU0ALICE01,Support\n")
    assert again == ImportSummary(created=0, updated=0, unchanged=1)


def test_apply_refuses_unknown_emails_and_changes_nothing(database_url, sql):
    seed(sql)
    with pytest.raises(MembersImportError) as caught:
        apply(database_url, "platform_id,email,department\n"
                            "U0ALICE01,,Support\n"
                            ",nobody@example.com,Sales\n"
                            "U0OTHER01,bob@example.com,Sales\n")
    assert caught.value.problems == [
        "line 3: no member has the email nobody@example.com; add their platform_id",
        "line 4: email bob@example.com belongs to member U0BOB0001, not U0OTHER01",
    ]
    assert scalar(sql, "select count(*) from member where department is not null") == 0
    assert scalar(sql, "select count(*) from member") == 2
