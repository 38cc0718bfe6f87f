"""Multi-workspace install over OAuth: tokens stored encrypted, then used per workspace."""

from __future__ import annotations

import re

import httpx

from bot.crypto import TokenCipher
from tests.conftest import ALICE, BOB, Served, make_settings, scalar, wait_until
from tests.slack_requests import SlackSender

TEAM2, TOKEN2 = "T0TEAM002", "xoxb-team-two-secret-token"
WEBHOOK = "https://hooks.slack.invalid/services/T0TEAM002/B1/secret-webhook"


def test_install_stores_an_encrypted_token_that_later_requests_use(database_url, fake_slack, sql):
    fake_slack.oauth_codes["code-123"] = {
        "ok": True, "app_id": "A0001", "authed_user": {"id": ALICE}, "scope": "commands,chat:write",
        "token_type": "bot", "access_token": TOKEN2, "bot_user_id": "UBOT0002",
        "team": {"id": TEAM2, "name": "Team Two"}, "enterprise": None, "is_enterprise_install": False,
        "incoming_webhook": {"channel": "#general", "channel_id": "C0GENERAL", "url": WEBHOOK,
                             "configuration_url": "https://fivefold-test.slack.invalid/services/B1"},
    }
    settings = make_settings(database_url, fake_slack.url, SLACK_BOT_TOKEN=None,
                             SLACK_CLIENT_ID="111.222", SLACK_CLIENT_SECRET="client-secret")
    with Served(settings) as served, httpx.Client(base_url=served.base_url, timeout=30) as browser:
        install = browser.get("/slack/install")
        assert install.status_code == 200
        state = re.search(r"state=([\w-]+)", install.text).group(1)
        # the state cookie is Secure (HTTPS only), so hand it over as a browser on https would
        cookie = install.headers["set-cookie"].split(";")[0]
        done = browser.get("/slack/oauth_redirect", params={"code": "code-123", "state": state},
                           headers={"Cookie": cookie})
        assert done.status_code == 200, done.text

        stored = scalar(sql, "select bot_token from slack_bots where team_id = :t", t=TEAM2)
        assert stored.startswith("fv1:") and TOKEN2 not in stored
        assert TOKEN2 not in str(scalar(sql, "select bot_token from slack_installations"))
        webhook = scalar(sql, "select incoming_webhook_url from slack_installations")
        assert webhook.startswith("fv1:") and "secret-webhook" not in webhook  # anyone with it can post
        assert TokenCipher(settings.secret_key.get_secret_value()).decrypt(webhook) == WEBHOOK

        sender = SlackSender(served.base_url)
        response = sender.command("/kudos", f"<@{BOB}> welcome aboard", user=ALICE, team=TEAM2)
        assert "Kudos sent" in response.text
        wait_until(lambda: fake_slack.calls_to("chat.postMessage"), message="a post")
        assert {c.token for c in fake_slack.calls_to("chat.postMessage")} == {TOKEN2}


def test_redirect_with_a_forged_state_installs_nothing(database_url, fake_slack, sql):
    settings = make_settings(database_url, fake_slack.url, SLACK_BOT_TOKEN=None,
                             SLACK_CLIENT_ID="111.222", SLACK_CLIENT_SECRET="client-secret")
    with Served(settings) as served:
        response = httpx.get(served.base_url + "/slack/oauth_redirect", params={"code": "x", "state": "forged"})
        assert response.status_code in (400, 401, 403)
    assert scalar(sql, "select count(*) from slack_bots") == 0
