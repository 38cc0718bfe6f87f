"""Programs and adapters install themselves: one list in `app.py`, each seam registered by its `install`."""

from __future__ import annotations

import pkgutil

import pytest
from fastapi import APIRouter
from typer.testing import CliRunner

import adapters
import app
import programs
from adapters.slack.settings import SlackSettings
from adapters.teams.settings import TeamsSettings
from bot.errors import ConfigurationError
from bot.installation import Installation
from bot.settings import Settings, get_settings


def test_every_program_and_adapter_folder_is_listed_once():
    program_folders = {m.name for m in pkgutil.iter_modules(programs.__path__) if m.ispkg}
    assert {p.__name__.removeprefix("programs.") for p in app.PROGRAMS} == program_folders | {"help"}
    adapter_folders = {m.name for m in pkgutil.iter_modules(adapters.__path__) if m.ispkg}
    assert {a.__name__.removeprefix("adapters.") for a in app.ADAPTERS} == adapter_folders
    assert len(set(app.PROGRAMS)) == len(app.PROGRAMS)


def test_programs_offer_role_audiences_through_the_installation():
    installation = app.install(None)
    assert installation.roles.kinds == ["everyone", "members", "channel", "segment", "new_joiners", "ambassadors"]

    async def nobody(_session, _tenant_id: int) -> list[int]:
        return []

    for taken in ("ambassadors", "everyone", "Not A Kind"):
        with pytest.raises(ValueError, match=r"already installed|cannot name"):
            installation.add_audience(taken, nobody)
    installation.add_audience("mentors", nobody)
    assert installation.roles.kinds[-2:] == ["ambassadors", "mentors"]


def test_tables_only_installation_sees_every_table_without_settings():
    installation = app.install(None)
    tables = set(installation.metadata().tables)
    # the engine's (with the broadcast library's), a program's, Slack's and Teams'
    assert {"tenant", "delivery", "kudos", "broadcast", "occurrence", "slack_bots", "teams_conversation"} <= tables
    assert installation.platforms == []  # no settings: no port, no route
    assert {name for name, _ in installation.commands} >= {"campaigns", "deliveries", "surveys", "starter"}
    assert {(group, name) for group, name, _ in installation.subcommands} == {("manifest", "slack"),
                                                                            ("manifest", "teams")}
    assert [entry.command for entry in installation.help] == [
        "kudos", "stats", "survey", "leaderboard", "ambassador", "ambassadors", "story", "nominate", "vote", "help"]


def test_an_installed_part_cannot_take_anothers_name():
    installation = Installation(None)
    installation.add_commands("x", app.cli)
    with pytest.raises(ValueError, match="fivefold x"):
        installation.add_commands("x", app.cli)
    installation.add_api(APIRouter())
    assert len(installation.api_routers) == 1


def test_engine_settings_hold_no_platform_setting_and_hand_them_to_the_adapters():
    assert not any(name.startswith(("slack", "microsoft", "teams")) for name in Settings.model_fields)
    settings = Settings(_env_file=None, FIVEFOLD_ENV="test", SLACK_SIGNING_SECRET="s", SLACK_BOT_TOKEN="xoxb-1",  # type: ignore[call-arg]
                        FIVEFOLD_SLACK_BURST=7, MICROSOFT_APP_ID="6f1c7a9e-3b2d-4c5e-8f90-0a1b2c3d4e5f")
    slack = SlackSettings.of(settings)
    assert slack.enabled and slack.burst == 7 and slack.bot_token is not None
    assert slack.bot_token.get_secret_value() == "xoxb-1"
    assert TeamsSettings.of(settings).enabled
    installation = app.install(settings)
    assert [seam.name for seam in installation.enabled_platforms] == ["slack", "teams"]
    assert installation.console.configured == {"slack", "teams"}
    assert [seam.own_tenant for seam in installation.platforms] == [True, False]


def test_adapter_settings_are_checked_in_production():
    production = Settings(_env_file=None, FIVEFOLD_ENV="production", FIVEFOLD_SECRET_KEY="k" * 40,  # type: ignore[call-arg]
                          SLACK_BOT_TOKEN="xoxb-1")
    with pytest.raises(ConfigurationError, match="SLACK_SIGNING_SECRET is required with SLACK_BOT_TOKEN"):
        SlackSettings.of(production)
    with pytest.raises(ConfigurationError, match="SLACK_SIGNING_SECRET"):
        app.install(production)


def test_the_command_line_refuses_unsafe_adapter_settings(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env
    for name, value in {"FIVEFOLD_ENV": "production", "FIVEFOLD_SECRET_KEY": "k" * 40,
                        "DATABASE_URL": f"sqlite:///{tmp_path}/f.db", "SLACK_BOT_TOKEN": "xoxb-1"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app.cli, ["migrate"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "SLACK_SIGNING_SECRET is required" in " ".join(result.output.split())
    assert not (tmp_path / "f.db").exists()


def test_the_command_line_has_the_installed_commands():
    result = CliRunner().invoke(app.cli, ["--help"])
    assert result.exit_code == 0
    for group in ("campaigns", "deliveries", "surveys", "ambassadors", "feedback", "kpis", "starter", "manifest"):
        assert group in result.output
    manifests = CliRunner().invoke(app.cli, ["manifest", "--help"])
    assert "slack" in manifests.output and "teams" in manifests.output
