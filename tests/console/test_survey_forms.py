"""Creating surveys and opening rounds in the console, the round picker and the break-down, over real HTTP."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import text

from bot.console.models import ConsoleRole
from tests.conftest import column, scalar
from tests.console.conftest import csrf_of, signed_in
from tests.console.test_survey_pages import survey_with_round
from tests.engage.conftest import write_responses

FORM = {"name": "Monthly <pulse>", "template": "enps", "anonymous": "on", "audience": "everyone",
        "schedule": "recurring", "cron": "0 10 1 * *", "timezone": "Europe/Warsaw", "window_hours": "120",
        "reminder_count": "2", "reminder_every_hours": "48"}
OWN = "likert_1_5: I have what I need to help customers\nchoice: Which channel works best? | Chat | Phone\ntext: Why?"


def test_an_admin_creates_surveys_from_a_template_and_from_scratch_and_opens_a_round(console, sql):
    admin = signed_in(console, "hr@example.com")
    form = admin.get("/admin/surveys/new")
    assert form.status_code == 200 and 'value="cx_audit"' in form.text
    csrf = csrf_of(form)
    bad_line = admin.post("/admin/surveys/new", data={**FORM, "template": "", "questions": "How are you?", "csrf": csrf})
    assert bad_line.status_code == 422 and "questions: line 1" in bad_line.text
    one_choice = admin.post("/admin/surveys/new", data={**FORM, "template": "", "questions": "choice: Pick | A",
                                                        "csrf": csrf})
    assert one_choice.status_code == 422 and "at least two choices" in one_choice.text
    bad_cron = admin.post("/admin/surveys/new", data={**FORM, "cron": "every day", "csrf": csrf})
    assert bad_cron.status_code == 422 and "invalid cron expression" in bad_cron.text
    assert scalar(sql, "select count(*) from survey") == 0

    created = admin.post("/admin/surveys/new", data={**FORM, "csrf": csrf})
    assert created.status_code == 303, created.text
    own = admin.post("/admin/surveys/new", data={**FORM, "name": "Tools", "template": "", "questions": OWN,
                                                 "schedule": "once", "at": "2031-01-06T09:00", "csrf": csrf})
    assert own.status_code == 303, own.text
    assert scalar(sql, "select template from survey where name = 'Monthly <pulse>'") == "enps"
    assert scalar(sql, "select reminder_count from survey where name = 'Monthly <pulse>'") == 2
    assert "Phone" in str(scalar(sql, "select questions from survey where name = 'Tools'"))
    listing = admin.get("/admin/surveys").text
    assert "Monthly &lt;pulse&gt;" in listing and "Tools" in listing

    survey_id = int(own.headers["location"].rsplit("/", 1)[1])
    assert "No round has been sent yet." in admin.get(f"/admin/surveys/{survey_id}").text
    opened = admin.post(f"/admin/surveys/{survey_id}/send-now", data={"csrf": csrf})
    assert opened.status_code == 303 and "?round=" in opened.headers["location"]
    assert scalar(sql, "select invited from survey_round") == 4
    assert scalar(sql, "select count(*) from delivery where lane = 'broadcast'") == 4  # the invitations
    page = admin.get(opened.headers["location"]).text
    assert "0 of 4 invited answered" in page and "suppressed: fewer than 5 respondents" in page
    assert "Close this round now" in page
    round_id = scalar(sql, "select id from survey_round")
    analyst = signed_in(console, "analyst@example.com", ConsoleRole.ANALYST)
    close = f"/admin/surveys/{survey_id}/rounds/{round_id}/close"
    assert analyst.post(close, data={"csrf": csrf_of(analyst.get("/admin"))}).status_code == 403
    assert admin.post(f"/admin/surveys/{survey_id}/rounds/999999/close", data={"csrf": csrf}).status_code == 404
    assert scalar(sql, "select closed_at from survey_round") is None
    assert admin.post(close, data={"csrf": csrf}).status_code == 303
    assert scalar(sql, "select closed_at from survey_round") is not None
    assert admin.post(close, data={"csrf": csrf}).status_code == 409
    assert "Close this round now" not in admin.get(f"/admin/surveys/{survey_id}").text
    actions = column(sql, "select action from console_audit where action like 'survey.%' order by id")
    assert actions == ["survey.created", "survey.created", "survey.sent_now", "survey.round_closed"]


def test_analysts_and_other_tenants_cannot_create_or_open_rounds(console, sql):
    admin = signed_in(console, "hr@example.com")
    csrf = csrf_of(admin.get("/admin/surveys/new"))
    survey_id = int(admin.post("/admin/surveys/new", data={**FORM, "csrf": csrf}).headers["location"].rsplit("/")[-1])
    analyst = signed_in(console, "analyst@example.com", ConsoleRole.ANALYST)
    assert analyst.get("/admin/surveys/new").status_code == 403
    assert "/send-now" not in analyst.get(f"/admin/surveys/{survey_id}").text
    analyst_csrf = csrf_of(analyst.get("/admin"))
    assert analyst.post("/admin/surveys/new", data={**FORM, "csrf": analyst_csrf}).status_code == 403
    assert analyst.post(f"/admin/surveys/{survey_id}/send-now", data={"csrf": analyst_csrf}).status_code == 403
    assert admin.post(f"/admin/surveys/{survey_id}/send-now", data={"csrf": "forged"}).status_code == 403
    assert admin.post("/admin/surveys/new", data=FORM).status_code == 403
    with sql.begin() as conn:
        conn.execute(text("insert into tenant (platform, external_id, name, default_locale, default_timezone, created_at)"
                          " values ('teams', 'other-tenant', 'Other Co', 'en', 'UTC', CURRENT_TIMESTAMP)"))
    other = signed_in(console, "hr@other.example", ConsoleRole.ADMIN,
                      tenant_id=scalar(sql, "select id from tenant where external_id = 'other-tenant'"))
    assert "Monthly" not in other.get("/admin/surveys").text
    assert other.get(f"/admin/surveys/{survey_id}").status_code == 404
    assert other.post(f"/admin/surveys/{survey_id}/send-now",
                      data={"csrf": csrf_of(other.get("/admin"))}).status_code == 404
    assert scalar(sql, "select count(*) from survey") == 1 and scalar(sql, "select count(*) from survey_round") == 0


def test_a_round_picker_and_a_break_down_with_suppressed_groups_saying_why(console, fake_slack):
    survey_id, first = survey_with_round(console, fake_slack)
    secret, url = console.settings.secret_key.get_secret_value(), console.settings.database_url
    answers = [({"department": "Sales"}, {"recommend": s}) for s in (10, 10, 9, 8, 6, 0)]
    answers += [({"department": "Ops"}, {"recommend": 9})] * 5 + [({"department": "Support"}, {"recommend": 3})] * 2
    write_responses(url, first, answers, secret)
    admin = signed_in(console, "hr@example.com")
    second = admin.post(f"/admin/surveys/{survey_id}/send-now", data={"csrf": csrf_of(admin.get("/admin"))})
    assert second.status_code == 303
    latest = admin.get(f"/admin/surveys/{survey_id}").text
    assert "0 of 6 invited answered" in latest  # the newest round is shown first
    assert f'href="/admin/surveys/{survey_id}?round={first}"' in latest  # the trend's rounds are links

    analyst = signed_in(console, "analyst@example.com", ConsoleRole.ANALYST)
    page = analyst.get(f"/admin/surveys/{survey_id}", params={"round": first, "by": "department"})
    assert page.status_code == 200
    assert f'<option value="{first}" selected>' in page.text
    table = re.sub(r">\s+<", "><", page.text.split('id="breakdown"')[1].split("</table>")[0])
    assert '<th scope="row">Sales</th><td>0</td><td>6</td><td>eNPS +16.7</td>' in table
    assert ('Ops</th><td>0</td><td colspan="2" class="suppressed">suppressed: hidden so that a smaller '
            "group cannot be derived by subtraction") in table
    assert 'Support</th><td>0</td><td colspan="2" class="suppressed">suppressed: fewer than 5' in table
    assert "(not set)</th><td>6</td>" in table  # invited members without a department, none answered as such
    export = analyst.get(f"/admin/surveys/{survey_id}/export.csv", params={"round": first, "by": "department"})
    assert "group,department=Ops,,suppressed,hidden so that" in export.text
    assert "group,department=Sales,,responded,6" in export.text
    assert analyst.get(f"/admin/surveys/{survey_id}", params={"by": "salary"}).status_code == 422
    assert analyst.get(f"/admin/surveys/{survey_id}", params={"round": 999999}).status_code == 404
    assert analyst.get(f"/admin/surveys/{survey_id}", params={"round": "x"}).status_code == 422
    polish = analyst.get(f"/admin/surveys/{survey_id}", params={"round": first, "by": "department", "lang": "pl"})
    assert "Podział według" in polish.text
    with httpx.Client(base_url=console.base_url) as anonymous:
        assert anonymous.get(f"/admin/surveys/{survey_id}", params={"round": first}).status_code == 303
