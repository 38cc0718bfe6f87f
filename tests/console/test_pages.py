"""Console pages over real HTTP: landing, campaigns, people (import, export, forget), settings, values."""

from __future__ import annotations

import json

import httpx
from sqlalchemy import text
from typer.testing import CliRunner

from app import cli
from bot.console.models import ConsoleRole
from tests.conftest import ALICE, BOB, CAROL, scalar
from tests.console.conftest import csrf_of, signed_in
from tests.console.test_security import CAMPAIGN_FORM, create_campaign
from tests.http_clients import http_client
from tests.slack_requests import SlackSender


def test_the_landing_page_says_what_is_connected_and_how_to_sign_in(console):
    with httpx.Client(base_url=console.base_url) as anonymous:
        page = anonymous.get("/")
        assert page.status_code == 200 and "Fivefold" in page.text
        slack_row, teams_row = page.text.split("<th scope=\"row\">Slack</th>")[1].split("Microsoft Teams</th>")
        assert "Connected" in slack_row and "Not connected" in teams_row
        assert 'href="/auth/login"' in page.text and "fivefold manifest teams" in page.text
        polish = anonymous.get("/", params={"lang": "pl"})
        assert 'lang="pl"' in polish.text and "Zaloguj się" in polish.text


def test_an_admin_downloads_the_slack_manifest_for_the_public_url(console):
    admin = signed_in(console, "hr@example.com")
    answer = admin.get("/admin/manifest/slack")
    assert answer.status_code == 200 and "attachment" in answer.headers["content-disposition"]
    assert console.settings.public_url in json.dumps(answer.json())
    assert admin.get("/admin/manifest/nope").status_code == 404


def test_a_bad_campaign_form_shows_every_problem_and_stores_nothing(console, sql):
    admin = signed_in(console, "hr@example.com")
    csrf = csrf_of(admin.get("/admin/campaigns/new"))
    answer = admin.post("/admin/campaigns/new", data={**CAMPAIGN_FORM, "name": "", "cron": "every day", "csrf": csrf})
    assert answer.status_code == 422
    assert "nothing was saved" in answer.text and "schedule.recurring.cron" in answer.text and "name" in answer.text
    assert 'value="every day"' in answer.text  # what was typed is kept
    assert scalar(sql, "select count(*) from broadcast") == 0


def test_a_campaign_shows_its_audience_and_next_sends_and_pauses_and_resumes(console, sql):
    admin = signed_in(console, "hr@example.com")
    campaign_id = create_campaign(admin, cron="0 9 * * *", skip_weekends="on")  # daily, weekends skipped
    page = admin.get(f"/admin/campaigns/{campaign_id}")
    assert "reaches 4 members today" in page.text
    for zone in ("Europe/Warsaw", "America/New_York", "Europe/Kyiv"):
        assert zone in page.text
    times = page.text.split('id="next"')[1].split('id="occurrences"')[0]
    assert times.count("<time") == 15 and "Sat " not in times and "Sun " not in times and " 09:00 " in times
    csrf = csrf_of(page)
    assert admin.post(f"/admin/campaigns/{campaign_id}/pause", data={"csrf": csrf}).status_code == 303
    assert scalar(sql, "select active from broadcast") in (False, 0)
    assert admin.post(f"/admin/campaigns/{campaign_id}/send-now", data={"csrf": csrf}).status_code == 409
    assert admin.post(f"/admin/campaigns/{campaign_id}/resume", data={"csrf": csrf}).status_code == 303
    assert scalar(sql, "select active from broadcast") in (True, 1)
    edit = admin.get(f"/admin/campaigns/{campaign_id}/edit")
    assert 'value="0 9 * * *"' in edit.text
    saved = admin.post(f"/admin/campaigns/{campaign_id}/edit",
                       data={**CAMPAIGN_FORM, "name": "Daily tip", "csrf": csrf_of(edit)})
    assert saved.status_code == 303 and scalar(sql, "select name from broadcast") == "Daily tip"
    log = admin.get("/admin/audit").text
    for action in ("campaign.created", "campaign.paused", "campaign.resumed", "campaign.edited"):
        assert action in log


def test_csv_import_dry_run_lists_every_bad_row_and_changes_nothing(console, sql):
    admin = signed_in(console, "hr@example.com")
    csrf = csrf_of(admin.get("/admin/people"))
    bad = f"platform_id,department,start_date,country\n{ALICE},Support,2024-13-01,PL\n{BOB},Sales,2024-01-01,XX\n"
    answer = admin.post("/admin/people/import", data={"csrf": csrf, "apply": "yes"},
                        files={"file": ("people.csv", bad, "text/csv")})
    assert answer.status_code == 422 and "line 2" in answer.text and "line 3" in answer.text
    good = f"platform_id,department\n{ALICE},Support\n{BOB},Sales\n"
    dry = admin.post("/admin/people/import", data={"csrf": csrf}, files={"file": ("people.csv", good, "text/csv")})
    assert dry.status_code == 200 and "2 to update" in dry.text
    assert scalar(sql, "select count(*) from member where department is not null") == 0
    real = admin.post("/admin/people/import", data={"csrf": csrf, "apply": "yes"},
                      files={"file": ("people.csv", good, "text/csv")})
    assert real.status_code == 200 and "2 updated" in real.text
    assert scalar(sql, "select department from member where external_id = :id", id=BOB) == "Sales"
    assert "Support" in admin.get("/admin/people").text


def test_export_and_forget_a_member(console, sql):
    SlackSender(console.base_url).command("/kudos", f"<@{BOB}|bob> thanks for the Kowalski rescue", user=ALICE)
    alice = scalar(sql, "select id from member where external_id = :id", id=ALICE)
    admin = signed_in(console, "hr@example.com")
    export = admin.get(f"/admin/people/{alice}/export")
    assert export.status_code == 200 and "attachment" in export.headers["content-disposition"]
    data = export.json()
    assert data["member"]["display_name"] == "Alice" and data["kudos"]["given"][0]["message"].startswith("thanks")
    assert data["training"] == [] and isinstance(data["messages_received"], list)
    csrf = csrf_of(admin.get("/admin/people"))
    assert admin.post(f"/admin/people/{alice}/forget", data={"csrf": csrf}).status_code == 303
    with sql.connect() as conn:
        row = conn.execute(text("select display_name, real_name, email, timezone, external_id, is_deleted"
                                " from member where id = :id"), {"id": alice}).one()
    assert row[:4] == ("", "", None, None) and row[4] == f"forgotten-{alice}" and row[5] in (True, 1)
    assert scalar(sql, "select message from kudos where giver_id = :id", id=alice) == ""
    assert scalar(sql, "select count(*) from kudos") == 1  # the count survives, anonymously
    assert "member.forgotten" in admin.get("/admin/audit").text


def test_cli_exports_and_forgets_a_member(console, sql, monkeypatch):
    from bot.settings import get_settings

    carol = scalar(sql, "select id from member where external_id = :id", id=CAROL)
    monkeypatch.setenv("DATABASE_URL", console.settings.database_url)
    get_settings.cache_clear()
    try:
        exported = CliRunner().invoke(cli, ["members", "export", str(carol)])
        forgotten = CliRunner().invoke(cli, ["members", "forget", str(carol)])
        missing = CliRunner().invoke(cli, ["members", "forget", "999999"])
    finally:
        get_settings.cache_clear()
    assert exported.exit_code == 0 and json.loads(exported.stdout)["member"]["display_name"] == "Carol"
    assert forgotten.exit_code == 0, forgotten.output
    assert scalar(sql, "select display_name from member where id = :id", id=carol) == ""
    assert missing.exit_code == 1 and "no member 999999" in missing.output


def test_api_keys_are_created_once_shown_and_revoked(console, sql):
    admin = signed_in(console, "hr@example.com")
    csrf = csrf_of(admin.get("/admin/settings"))
    created = admin.post("/admin/settings/keys", data={"csrf": csrf, "name": "BI export", "role": "analyst"})
    assert created.status_code == 201
    key = created.text.split('id="new-key">')[1].split("<")[0]
    api = http_client(base_url=console.base_url, headers={"Authorization": f"Bearer {key}"})
    assert api.get("/api/v1/campaigns").status_code == 200
    assert key not in admin.get("/admin/settings").text and "BI export" in admin.get("/admin/settings").text
    key_id = scalar(sql, "select id from api_key")
    assert admin.post(f"/admin/settings/keys/{key_id}/revoke", data={"csrf": csrf}).status_code == 303
    assert api.get("/api/v1/campaigns").status_code == 401


def test_admins_add_console_users_and_company_values(console, sql):
    admin = signed_in(console, "hr@example.com")
    csrf = csrf_of(admin.get("/admin/settings"))
    assert admin.post("/admin/settings/users", data={"csrf": csrf, "email": "Carol@Example.com",
                                                     "role": "analyst"}).status_code == 303
    assert scalar(sql, "select role from console_user where email = 'carol@example.com'") == "analyst"
    assert admin.post("/admin/values", data={"csrf": csrf, "slug": "#Curiosity"}).status_code == 303
    assert "#curiosity" in admin.get("/admin/values").text
    assert admin.post("/admin/values", data={"csrf": csrf, "slug": "no spaces"}).status_code == 422
    assert admin.post("/admin/values/curiosity/retire", data={"csrf": csrf}).status_code == 303
    assert "#curiosity" not in admin.get("/admin/values").text


def test_the_language_is_switchable_and_remembered(console, sql):
    admin = signed_in(console, "hr@example.com", ConsoleRole.ADMIN)
    csrf = csrf_of(admin.get("/admin"))
    assert admin.post("/admin/locale", data={"csrf": csrf, "locale": "uk"}).status_code == 303
    assert scalar(sql, "select locale from console_user where email = 'hr@example.com'") == "uk"
    page = admin.get("/admin")
    assert 'lang="uk"' in page.text and "Огляд" in page.text


def test_training_tracks_show_each_members_progress_to_admins_only(console):
    from bot.api.keys import Role, create_api_key
    from tests.console.conftest import run_db

    async def work(session):
        return (await create_api_key(session, tenant_id=1, role=Role.ADMIN, name="setup"))[1]

    api = http_client(base_url=console.base_url, headers={"Authorization": f"Bearer {run_db(console.settings.database_url, work)}"})
    track = {"name": "CX basics", "lessons": [{"title": "Answer fast", "text": "Within an hour."},
                                              {"title": "Empathy", "text": "Understand first."}]}
    track_id = api.post("/api/v1/tracks", json=track).json()["id"]
    assert api.post(f"/api/v1/tracks/{track_id}/enroll", json={"members": [ALICE, BOB]}).json()["enrolled"] == 2
    admin = signed_in(console, "hr@example.com")
    listed = admin.get("/admin/tracks")
    assert "CX basics" in listed.text and "<td>2</td>" in listed.text
    detail = admin.get(f"/admin/tracks/{track_id}")
    assert "Alice" in detail.text and "Bob" in detail.text and "Answer fast" in detail.text
    analyst = signed_in(console, "analyst@example.com", ConsoleRole.ANALYST)
    seen = analyst.get(f"/admin/tracks/{track_id}")
    assert seen.status_code == 200 and "2 enrolled" in seen.text
    assert "Alice" not in seen.text and ALICE not in seen.text


def test_editing_in_the_console_keeps_what_only_the_api_sets(console, sql):
    from tests.console.conftest import run_db

    async def work(session):
        from bot.api.keys import Role, create_api_key

        return (await create_api_key(session, tenant_id=1, role=Role.ADMIN, name="setup"))[1]

    api = http_client(base_url=console.base_url, headers={"Authorization": f"Bearer {run_db(console.settings.database_url, work)}"})
    created = api.post("/api/v1/campaigns", json={
        "name": "Tip", "lever": "inform",
        "message": {"text": "Hello", "link": "https://example.com/cx", "translations": {"pl": {"text": "Cześć"}}},
        "audience": {"kind": "segment", "department": ["Care"], "country": ["PL"]},
        "schedule": {"kind": "recurring", "cron": "0 9 * * mon", "timezone": "recipient"}}).json()
    admin = signed_in(console, "hr@example.com")
    edit = admin.get(f"/admin/campaigns/{created['id']}/edit")
    assert 'value="Care"' in edit.text
    saved = admin.post(f"/admin/campaigns/{created['id']}/edit", data={
        **CAMPAIGN_FORM, "audience": "segment", "departments": "Care, Sales", "text": "Hello again",
        "csrf": csrf_of(edit)})
    assert saved.status_code == 303
    after = api.get(f"/api/v1/campaigns/{created['id']}").json()
    assert after["message"]["text"] == "Hello again" and after["message"]["translations"]["pl"]["text"] == "Cześć"
    assert after["message"]["link"] == "https://example.com/cx"
    assert after["audience"]["department"] == ["Care", "Sales"] and after["audience"]["country"] == ["PL"]
    joiners = admin.post("/admin/campaigns/new", data={**CAMPAIGN_FORM, "audience": "new_joiners", "days": "30",
                                                       "csrf": csrf_of(edit)})
    assert joiners.status_code == 303
    assert scalar(sql, "select count(*) from broadcast") == 2


def test_the_form_previews_audience_and_next_sends_without_saving(console, sql):
    admin = signed_in(console, "hr@example.com")
    csrf = csrf_of(admin.get("/admin/campaigns/new"))
    preview = admin.post("/admin/campaigns/preview", data={**CAMPAIGN_FORM, "audience": "members",
                                                           "members": f"{ALICE}, {BOB}", "csrf": csrf})
    assert preview.status_code == 200 and "reaches 2 members today" in preview.text
    assert "Europe/Warsaw" in preview.text and "America/New_York" in preview.text and "Mon " in preview.text
    assert scalar(sql, "select count(*) from broadcast") == 0
    bad = admin.post("/admin/campaigns/preview", data={**CAMPAIGN_FORM, "cron": "nope", "csrf": csrf})
    assert bad.status_code == 422 and scalar(sql, "select count(*) from broadcast") == 0


def test_the_overview_counts_kudos_by_value_and_failed_deliveries(console, fake_slack, sql):
    import datetime as dt

    SlackSender(console.base_url).command("/kudos", f"<@{BOB}|bob> great save #ownership", user=ALICE)
    from tests.conftest import wait_until

    # the kudos card and DM go out first, so that only the campaign meets the failures
    wait_until(lambda: scalar(sql, "select count(*) from delivery where status in ('pending', 'in_flight')") == 0
               and scalar(sql, "select count(*) from delivery") >= 1, timeout=20, message="the kudos messages")
    fake_slack.script("chat.postMessage", 200, {"ok": False, "error": "channel_not_found"}, times=4)
    admin = signed_in(console, "hr@example.com")
    campaign_id = create_campaign(admin)
    admin.post(f"/admin/campaigns/{campaign_id}/send-now", data={"csrf": csrf_of(admin.get("/admin"))})
    wait_until(lambda: scalar(sql, "select count(*) from delivery where status = 'failed'") == 4, timeout=20,
               message="four failed deliveries")
    overview = admin.get("/admin").text
    health = overview.split("<h2 id=\"chart-2\"")[0]
    assert "<th scope=\"row\">slack · broadcast</th><td>0</td><td>0</td><td>4</td>" in health
    kudos = overview.split("<h2 id=\"chart-2\"")[1]
    today = dt.datetime.now(dt.UTC).date()
    monday = (today - dt.timedelta(days=today.weekday())).isoformat()
    row = kudos.split(f'<th scope="row">{monday}</th>')[1].split("</tr>")[0]
    header = kudos.split("<thead>")[1].split("</thead>")[0]
    columns = [cell.split(">")[1].split("<")[0] for cell in header.split("<th scope=\"col\"")[2:]]
    values = [cell.split("<")[0] for cell in row.split("<td>")[1:]]
    assert dict(zip(columns, values, strict=True))["ownership"] == "1"
    assert "<svg" in overview and 'role="img"' in overview
