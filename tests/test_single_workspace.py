"""Single-workspace install (SLACK_BOT_TOKEN): the workspace is known from auth.test at once.

The README's setup order (configure, `members sync`, `apikey create`, `starter enable`)
works before anyone has used the app; a refused token is a clear error naming the setting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from click.testing import Result
from typer.testing import CliRunner

from app import cli
from bot.settings import get_settings
from tests.conftest import Served, make_settings, scalar
from tests.fakes.slack_api import TEAM, FakeSlack
from tests.slack_requests import SIGNING_SECRET

TOKEN = "xoxb-single-workspace"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as running:
        for index in range(3):
            running.add_user(f"U0NEW{index:04d}", f"Member{index}")
        yield running


@pytest.fixture
def fivefold(database_url: str, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Result]]:
    """`fivefold …` configured for a single workspace, as the README says."""
    for name, value in {"DATABASE_URL": database_url, "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                        "SLACK_API_URL": fake.url, "FIVEFOLD_ENV": "test"}.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    runner = CliRunner()
    yield lambda *args: runner.invoke(cli, [str(arg) for arg in args])
    get_settings.cache_clear()


def test_the_readme_setup_order_works_before_anyone_used_the_app(fivefold, fake, sql):
    synced = fivefold("members", "sync")
    assert synced.exit_code == 0, synced.output
    assert "3 members synchronised" in synced.output
    assert scalar(sql, "select external_id || ':' || name from tenant") == f"{TEAM}:Fivefold Test"
    key = fivefold("apikey", "create", "--role", "admin")
    assert key.exit_code == 0, key.output
    starter = fivefold("starter", "enable")
    assert starter.exit_code == 0, starter.output
    assert scalar(sql, "select count(*) from tenant") == 1
    assert scalar(sql, "select count(*) from broadcast") > 0
    assert all(call.token == TOKEN for call in fake.calls_to("auth.test"))


def test_a_refused_token_is_a_clear_error_naming_the_setting(fivefold, fake, sql):
    fake.refused_tokens.add(TOKEN)
    for command in (("members", "sync"), ("apikey", "create", "--role", "admin")):
        result = fivefold(*command)
        assert result.exit_code == 2, result.output
        assert "SLACK_BOT_TOKEN" in result.output and "invalid_auth" in result.output
    assert scalar(sql, "select count(*) from tenant") == 0


def test_serve_knows_the_workspace_at_start_up(database_url, fake, sql):
    with Served(make_settings(database_url, fake.url, SLACK_BOT_TOKEN=TOKEN)):
        assert scalar(sql, "select external_id from tenant") == TEAM
