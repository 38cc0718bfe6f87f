"""Every forged or stale token is refused with 401, and nothing is stored."""

from __future__ import annotations

import time

import pytest

from tests.conftest import scalar
from tests.teams.activities import message
from tests.teams.fake_botframework import STRANGER_KEY, UNENDORSED_KID

NOW = int(time.time())

FORGERIES = {
    "no token": None,
    "not a jwt": "not-a-token",
    "bad signature": {"key": STRANGER_KEY},
    "wrong issuer": {"iss": "https://sts.windows.net/evil/"},
    "wrong audience": {"aud": "someone-elses-bot"},
    "expired": {"exp": NOW - 3600, "nbf": NOW - 7200, "iat": NOW - 7200},
    "not yet valid": {"nbf": NOW + 3600},
    "no expiry": {"exp": None},
    "key not endorsed for msteams": {"kid": UNENDORSED_KID},
    "other service url": {"serviceurl": "https://smba.evil.example/"},
}


@pytest.mark.parametrize("forgery", FORGERIES)
def test_forged_requests_are_refused(forgery, teams, bot_framework, sql):
    spec = FORGERIES[forgery]
    token = spec if spec is None or isinstance(spec, str) else bot_framework.token(**spec)
    body = message("kudos {bob} thanks #empathy", bot_framework.url, mentions=("bob",))
    response = teams.post(body, token)
    assert response.status_code == 401
    assert scalar(sql, "select count(*) from kudos") == 0
    assert scalar(sql, "select count(*) from teams_account") == 0
    assert scalar(sql, "select count(*) from processed_event") == 0
    assert bot_framework.posted == []


def test_clock_skew_is_tolerated(teams, bot_framework, sql):
    token = bot_framework.token(exp=int(time.time()) - 60)
    body = message("kudos {bob} thanks #empathy", bot_framework.url, mentions=("bob",))
    assert teams.post(body, token).status_code == 200
    assert scalar(sql, "select count(*) from kudos") == 1


def test_malformed_body_is_400(teams, bot_framework, sql):
    response = teams.client.post(
        teams.url,
        content=b"{not json",
        headers={"Authorization": f"Bearer {bot_framework.token()}"},
    )
    assert response.status_code == 400
    assert scalar(sql, "select count(*) from teams_account") == 0
