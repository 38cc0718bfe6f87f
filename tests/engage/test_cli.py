"""`fivefold surveys list|send-now|results`, against both databases."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from app import cli
from bot.settings import get_settings
from tests.conftest import ALICE, BOB, CAROL, DAVE, scalar
from tests.engage.conftest import write_responses

HUMANS = (ALICE, BOB, CAROL, DAVE)


@pytest.fixture
def fivefold(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("FIVEFOLD_ANONYMITY_THRESHOLD", "3")
    get_settings.cache_clear()
    runner = CliRunner()
    yield lambda *args: runner.invoke(cli, [str(arg) for arg in args])
    get_settings.cache_clear()


def _world(sql) -> int:
    with sql.begin() as conn:
        tenant = conn.execute(text(
            "insert into tenant (platform, external_id, name, default_locale, default_timezone, created_at) "
            "values ('slack', 'T0SURVEY1', 'Test', 'en', 'UTC', CURRENT_TIMESTAMP) returning id")).scalar()
        for user in HUMANS:
            conn.execute(text(
                "insert into member (tenant_id, external_id, display_name, real_name, is_bot, is_deleted, department,"
                " created_at) values (:t, :u, :u, '', false, false, 'Sales', CURRENT_TIMESTAMP)"), {"t": tenant, "u": user})
        survey = conn.execute(text(
            "insert into survey (tenant_id, name, template, questions, anonymous, audience, schedule, window_hours, "
            "reminder_count, reminder_every_hours, active, created_at) values (:t, 'Pulse', 'enps', :q, true, "
            "'{\"kind\": \"everyone\"}', '{\"kind\": \"once\", \"at\": \"2099-01-01T09:00:00\"}', 24, 0, 24, true, "
            "CURRENT_TIMESTAMP) returning id"),
            {"t": tenant, "q": json.dumps([{"key": "recommend", "kind": "scale_0_10", "text": "How likely are you to "
                                            "recommend working here to a friend?", "translate": True},
                                           {"key": "better", "kind": "text", "text": "What is one thing that would "
                                            "make it better?", "translate": True, "optional": True}])}).scalar()
    return int(survey)


def test_send_now_list_and_results_show_the_same_suppressed_numbers(fivefold, sql, database_url):
    survey = _world(sql)
    assert "no surveys" not in fivefold("surveys", "list").output
    sent = fivefold("surveys", "send-now", survey, "--no-watch")
    assert sent.exit_code == 0, sent.output
    round_id = int(sent.output.strip().splitlines()[-1])
    assert scalar(sql, "select count(*) from delivery where dedupe_key like :k", k=f"survey:{round_id}:invite:%") == 4
    listed = fivefold("surveys", "list")
    assert "Pulse" in listed.output and "0 / 4" in listed.output
    write_responses(database_url, round_id, [({"department": "Sales"}, {"recommend": s}) for s in (10, 9, 2)],
                    get_settings().secret_key.get_secret_value())
    shown = fivefold("surveys", "results", survey, "--by", "department")
    assert shown.exit_code == 0, shown.output
    assert "eNPS 33.3" in shown.output and "3 of 4 answered" in shown.output
    assert "suppressed:" in shown.output and "comments" in shown.output  # the free-text question
    assert "Sales" in shown.output
    assert fivefold("surveys", "results", 999).exit_code == 1
    assert fivefold("surveys", "results", survey, "--by", "salary").exit_code == 1
