"""Fixtures for Teams: the fake Bot Framework and Fivefold served with Teams enabled."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import Served, make_settings
from tests.fakes.slack_api import FakeSlack
from tests.teams.activities import TeamsSender
from tests.teams.fake_botframework import APP_ID, FakeBotFramework


@pytest.fixture
def bot_framework() -> Iterator[FakeBotFramework]:
    with FakeBotFramework() as fake:
        yield fake


@pytest.fixture
def teams_served(
    database_url: str, fake_slack: FakeSlack, bot_framework: FakeBotFramework
) -> Iterator[Served]:
    settings = make_settings(
        database_url,
        fake_slack.url,
        MICROSOFT_APP_ID=APP_ID,
        MICROSOFT_APP_PASSWORD="test-password",
        TEAMS_OPENID_METADATA_URL=bot_framework.metadata_url,
        TEAMS_LOGIN_URL=bot_framework.url,
    )
    with Served(settings) as running:
        yield running


@pytest.fixture
def teams(teams_served: Served) -> Iterator[TeamsSender]:
    with TeamsSender(teams_served.base_url) as sender:
        yield sender
