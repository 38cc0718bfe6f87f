"""The settings page over real HTTP: per-tenant limits that take effect in Slack, channels, roles, CSRF, audit."""

from __future__ import annotations

import httpx
from sqlalchemy import text

from bot.console.models import ConsoleRole
from tests.conftest import ALICE, BOB, CAROL, scalar
from tests.console.conftest import csrf_of, signed_in
from tests.console.test_survey_pages import survey_with_round
from tests.engage.conftest import admin_key, write_responses
from tests.http_clients import http_client
from tests.slack_requests import SlackSender

LIMITS = {"kudos_daily_allowance": "", "kudos_emoji": "", "anonymity_threshold": ""}


def save_limits(client: httpx.Client, **values: str) -> httpx.Response:
    csrf = csrf_of(client.get("/admin/settings"))
    return client.post("/admin/settings/limits", data={**LIMITS, **values, "csrf": csrf})


def reaction(emoji: str, ts: str, user: str = ALICE) -> dict:
    return {"type": "reaction_added", "user": user, "reaction": emoji, "item_user": BOB,
            "item": {"type": "message", "channel": "C0GENERAL", "ts": ts}, "event_ts": ts}


def test_a_lower_allowance_refuses_the_next_kudos_in_slack(console, sql):
    admin = signed_in(console, "hr@example.com")
    assert save_limits(admin, kudos_daily_allowance="2").status_code == 303
    page = admin.get("/admin/settings").text
    assert 'name="kudos_daily_allowance" type="number" min="1" max="1000" inputmode="numeric" value="2"' in page
    slack = SlackSender(console.base_url)
    assert "1 kudos left" in slack.command("/kudos", f"<@{BOB}> thanks", user=ALICE).text
    assert "Kudos sent" in slack.command("/kudos", f"<@{CAROL}> thanks", user=ALICE).text
    refused = slack.command("/kudos", f"<@{BOB}> once more", user=ALICE).json()["text"]
    assert "You have 0 kudos left today and tried to give 1" in refused
    assert scalar(sql, "select count(*) from kudos") == 2
    audit = scalar(sql, "select action || ' ' || target from console_audit where action like 'settings.%'")
    assert audit == "settings.limits_changed kudos_daily_allowance"
    assert save_limits(admin).status_code == 303  # empty: back to the environment's 5
    assert "Kudos sent" in slack.command("/kudos", f"<@{BOB}> once more", user=ALICE).text


def test_a_new_kudos_emoji_gives_kudos_and_the_old_one_no_longer_does(console, sql):
    admin = signed_in(console, "hr@example.com")
    assert save_limits(admin, kudos_emoji=":tada:").status_code == 303
    assert scalar(sql, "select kudos_emoji from tenant") == "tada"  # stored without the colons
    slack = SlackSender(console.base_url)
    assert slack.event(reaction("raised_hands", "1700000000.000100")).status_code == 200
    assert scalar(sql, "select count(*) from kudos") == 0
    assert slack.event(reaction("tada", "1700000000.000200")).status_code == 200
    assert scalar(sql, "select count(*) from kudos where source = 'reaction'") == 1


def test_the_anonymity_threshold_suppresses_results_at_the_tenants_value(console, fake_slack):
    survey_id, round_id = survey_with_round(console, fake_slack)
    url, secret = console.settings.database_url, console.settings.secret_key.get_secret_value()
    write_responses(url, round_id, [({}, {"recommend": score}) for score in (10, 9, 7, 3)], secret)
    admin = signed_in(console, "hr@example.com")
    assert "suppressed: fewer than 5 respondents" in admin.get(f"/admin/surveys/{survey_id}").text
    assert save_limits(admin, anonymity_threshold="3").status_code == 303
    assert "suppressed: fewer than" not in admin.get(f"/admin/surveys/{survey_id}").text
    api = http_client(base_url=console.base_url, headers={"Authorization": f"Bearer {admin_key(url)}"})
    assert api.get(f"/api/v1/surveys/{survey_id}/results").json()["anonymity_threshold"] == 3
    assert save_limits(admin, anonymity_threshold="8").status_code == 303
    assert "suppressed: fewer than 8 respondents" in admin.get(f"/admin/surveys/{survey_id}").text
    assert api.get(f"/api/v1/surveys/{survey_id}/results").json()["anonymity_threshold"] == 8


def test_a_threshold_below_three_and_bad_values_are_refused_in_the_viewers_language(console, sql):
    admin = signed_in(console, "hr@example.com")
    refused = save_limits(admin, anonymity_threshold="2")
    assert refused.status_code == 422 and "must be between 3 and 1000" in refused.text
    assert 'role="alert"' in refused.text and 'value="2"' in refused.text  # the form keeps what was typed
    assert scalar(sql, "select anonymity_threshold from tenant") is None
    csrf = csrf_of(admin.get("/admin/settings"))
    admin.post("/admin/locale", data={"csrf": csrf, "locale": "pl"})
    polish = save_limits(admin, anonymity_threshold="2")
    assert polish.status_code == 422 and "musi wynosić od 3 do 1000" in polish.text
    for values in ({"kudos_emoji": "Tada!"}, {"kudos_daily_allowance": "0"}, {"kudos_daily_allowance": "lots"},
                   {"kudos_emoji": "x" * 101}, {"anonymity_threshold": "3", "kudos_emoji": "no spaces"}):
        assert save_limits(admin, **values).status_code == 422, values
    assert scalar(sql, "select count(*) from tenant where anonymity_threshold is not null "
                       "or kudos_emoji is not null or kudos_daily_allowance is not null") == 0
    assert scalar(sql, "select count(*) from console_audit where action like 'settings.%'") == 0


def test_an_analyst_cannot_change_limits_and_forms_need_the_csrf_token(console, sql):
    analyst = signed_in(console, "analyst@example.com", ConsoleRole.ANALYST)
    assert analyst.get("/admin/settings").status_code == 403
    csrf = csrf_of(analyst.get("/admin"))
    assert analyst.post("/admin/settings/limits", data={**LIMITS, "kudos_daily_allowance": "1",
                                                        "csrf": csrf}).status_code == 403
    assert analyst.post("/admin/settings/channels", data={"csrf": csrf, "review_channel": "C1"}).status_code == 403
    admin = signed_in(console, "hr@example.com")
    admin.get("/admin/settings")
    for token in ("", "forged"):
        assert admin.post("/admin/settings/limits", data={**LIMITS, "kudos_daily_allowance": "1",
                                                          "csrf": token}).status_code == 403
        assert admin.post("/admin/settings/channels", data={"csrf": token, "review_channel": "C1"}).status_code == 403
    assert scalar(sql, "select kudos_daily_allowance from tenant") is None
    assert scalar(sql, "select count(*) from programme_settings") == 0


def test_channels_are_the_programme_settings_the_api_serves(console, sql):
    admin = signed_in(console, "hr@example.com")
    csrf = csrf_of(admin.get("/admin/settings"))
    saved = admin.post("/admin/settings/channels", data={
        "csrf": csrf, "announcement_channel": "C0NEWS", "stories_channels": "C0STORY1, C0STORY2",
        "review_channel": "C0REVIEW", "leadership_channel": "C0LEAD"})
    assert saved.status_code == 303
    url = console.settings.database_url
    api = http_client(base_url=console.base_url, headers={"Authorization": f"Bearer {admin_key(url)}"})
    programme = api.get("/api/v1/settings/programme").json()
    assert programme["announcement_channel"] == "C0NEWS" and programme["stories_channels"] == ["C0STORY1", "C0STORY2"]
    assert programme["review_channel"] == "C0REVIEW" and programme["leadership_channel"] == "C0LEAD"
    page = admin.get("/admin/settings").text
    assert 'value="C0STORY1, C0STORY2"' in page and 'value="C0LEAD"' in page
    assert scalar(sql, "select action from console_audit order by id desc limit 1") == "settings.channels_changed"
    too_long = admin.post("/admin/settings/channels", data={"csrf": csrf, "review_channel": "C" * 129})
    assert too_long.status_code == 422 and "1 to 128 characters" in too_long.text
    assert api.get("/api/v1/settings/programme").json()["review_channel"] == "C0REVIEW"
    assert admin.post("/admin/settings/channels", data={"csrf": csrf}).status_code == 303  # empty clears
    assert api.get("/api/v1/settings/programme").json()["review_channel"] is None


def test_the_admin_api_reads_and_sets_the_limits(console, sql):
    url = console.settings.database_url
    api = http_client(base_url=console.base_url, headers={"Authorization": f"Bearer {admin_key(url)}"})
    limits = api.get("/api/v1/settings/limits").json()
    assert limits["in_force"] == {"kudos_daily_allowance": 5, "kudos_emoji": "raised_hands", "anonymity_threshold": 5}
    assert limits["own"] == {"kudos_daily_allowance": None, "kudos_emoji": None, "anonymity_threshold": None}
    changed = api.put("/api/v1/settings/limits", json={"kudos_emoji": ":clap:", "anonymity_threshold": 7})
    assert changed.status_code == 200, changed.text
    assert changed.json()["in_force"] == {"kudos_daily_allowance": 5, "kudos_emoji": "clap", "anonymity_threshold": 7}
    refused = api.put("/api/v1/settings/limits", json={"anonymity_threshold": 2, "kudos_emoji": "wave"})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "anonymity_threshold"]
    assert api.put("/api/v1/settings/limits", json={"colour": "red"}).status_code == 422
    assert api.put("/api/v1/settings/limits", json={"kudos_daily_allowance": "many"}).status_code == 422
    assert scalar(sql, "select kudos_emoji from tenant") == "clap"  # nothing of a refused request was written
    cleared = api.put("/api/v1/settings/limits", json={"kudos_emoji": None}).json()
    assert cleared["in_force"]["kudos_emoji"] == "raised_hands" and cleared["own"]["anonymity_threshold"] == 7
    with sql.begin() as conn:
        key_id = conn.execute(text("select max(id) from api_key")).scalar()
        conn.execute(text("update api_key set role = 'analyst' where id = :id"), {"id": key_id})
    assert api.get("/api/v1/settings/limits").status_code == 200
    assert api.put("/api/v1/settings/limits", json={"anonymity_threshold": 9}).status_code == 403
    assert httpx.get(console.base_url + "/api/v1/settings/limits").status_code == 401


def test_one_tenants_limits_leave_another_tenant_alone(console, sql):
    with sql.begin() as conn:
        conn.execute(text("insert into tenant (platform, external_id, name, default_locale, default_timezone, "
                          "created_at) values ('slack', 'T0OTHER', 'Other', 'en', 'UTC', '2026-01-01')"))
    other_tenant = scalar(sql, "select id from tenant where external_id = 'T0OTHER'")
    outsider = signed_in(console, "boss@other.example", tenant_id=other_tenant)
    assert save_limits(outsider, kudos_daily_allowance="1", kudos_emoji="wave").status_code == 303
    assert scalar(sql, "select kudos_daily_allowance from tenant where external_id = 'T0OTHER'") == 1
    slack = SlackSender(console.base_url)  # tenant 1 keeps the environment's 5
    for _ in range(2):
        assert "Kudos sent" in slack.command("/kudos", f"<@{BOB}> thanks", user=ALICE).text
    assert slack.event(reaction("wave", "1700000000.000300")).status_code == 200
    assert scalar(sql, "select count(*) from kudos where source = 'reaction'") == 0
    admin = signed_in(console, "hr@example.com")
    assert 'name="kudos_emoji" maxlength="102" value=""' in admin.get("/admin/settings").text
    assert scalar(sql, "select count(*) from console_audit where tenant_id = 1 and action like 'settings.%'") == 0
