"""Teams without an app id: refused outside development, unauthenticated (loudly) inside it."""

from __future__ import annotations

import pytest

from adapters.teams.settings import TeamsSettings
from tests.conftest import Served, make_settings, scalar
from tests.teams.activities import TeamsSender, message


def test_without_app_id_outside_development_everything_is_401(
    database_url, fake_slack, bot_framework, sql
):
    settings = make_settings(database_url, fake_slack.url, FIVEFOLD_TEAMS_ENABLED=True)
    with Served(settings) as running, TeamsSender(running.base_url) as sender:
        body = message("kudos {bob} thanks #empathy", bot_framework.url, mentions=("bob",))
        assert sender.post(body, None).status_code == 401
    assert scalar(sql, "select count(*) from kudos") == 0


def test_development_without_app_id_accepts_unsigned_activities(
    database_url, fake_slack, bot_framework, sql
):
    settings = make_settings(
        database_url, fake_slack.url, FIVEFOLD_TEAMS_ENABLED=True, FIVEFOLD_ENV="development"
    )
    with Served(settings) as running, TeamsSender(running.base_url) as sender:
        body = message("kudos {bob} thanks #empathy", bot_framework.url, mentions=("bob",))
        assert sender.post(body, None).status_code == 200
    assert scalar(sql, "select count(*) from kudos") == 1
    assert bot_framework.activities("a:1personal-alice")[0].authorization == ""


def test_teams_routes_absent_when_not_configured(served):
    with TeamsSender(served.base_url) as sender:
        response = sender.post({"type": "message"}, None)
    assert response.status_code in (404, 405)


def test_production_requires_teams_credentials():
    with pytest.raises(ValueError, match="MICROSOFT_APP_PASSWORD"):
        TeamsSettings(
            _env_file=None,
            FIVEFOLD_ENV="production",
            MICROSOFT_APP_ID="6f1c7a9e-3b2d-4c5e-8f90-0a1b2c3d4e5f",
            FIVEFOLD_SECRET_KEY="x" * 40,
        )
