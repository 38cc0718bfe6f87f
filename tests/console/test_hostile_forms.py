"""Hostile input to the awards, KPI, survey and story forms: a clear 4xx, never a 500, nothing written."""

from __future__ import annotations

from tests.conftest import scalar
from tests.console.conftest import csrf_of, signed_in
from tests.console.test_review_pages import STORY, queue_story_and_application

NUL, LONG = "bad\x00name", "x" * 5000
AWARD = {"name": "Awards", "timezone": "UTC", "categories": "", "nominations_opens": "2031-01-05T09:00",
         "nominations_closes": "2031-01-19T17:00", "voting_opens": "2031-01-20T09:00",
         "voting_closes": "2031-01-31T17:00"}
KPI = {"name": "Reply time", "unit": "h", "target": "4", "direction": "lower", "owner": "", "source": "entered"}
SURVEY = {"name": "Pulse", "template": "enps", "audience": "everyone", "schedule": "recurring", "cron": "0 10 1 * *",
          "timezone": "UTC", "window_hours": "120", "reminder_count": "1", "reminder_every_hours": "48"}
HOSTILE = [
    ("/admin/awards/new", AWARD, {"name": NUL}), ("/admin/awards/new", AWARD, {"categories": NUL}),
    ("/admin/awards/new", AWARD, {"categories": LONG}), ("/admin/awards/new", AWARD, {"timezone": NUL}),
    ("/admin/awards/new", AWARD, {"voting_closes": "31/01/2031"}), ("/admin/awards/new", AWARD, {"name": LONG}),
    ("/admin/awards/new", AWARD, {"categories": "\n".join(f"c{i}" for i in range(30))}),
    ("/admin/awards/new", AWARD, {"nominations_opens": "2031-01-05T09:00+05:00"}),
    ("/admin/kpis/new", KPI, {"name": NUL}), ("/admin/kpis/new", KPI, {"target": "nan"}),
    ("/admin/kpis/new", KPI, {"target": "1e999"}), ("/admin/kpis/new", KPI, {"direction": "sideways"}),
    ("/admin/kpis/new", KPI, {"source": "magic"}), ("/admin/kpis/new", KPI, {"owner": NUL}),
    ("/admin/surveys/new", SURVEY, {"name": NUL}), ("/admin/surveys/new", SURVEY, {"window_hours": "many"}),
    ("/admin/surveys/new", SURVEY, {"template": "", "questions": f"text: {NUL}"}),
    ("/admin/surveys/new", SURVEY, {"template": "nps"}), ("/admin/surveys/new", SURVEY, {"reminder_count": "99"}),
    ("/admin/surveys/new", SURVEY, {"timezone": "Nowhere/City"}), ("/admin/surveys/new", SURVEY, {"cron": NUL}),
    ("/admin/surveys/new", SURVEY, {"audience": "segment", "departments": NUL}),
]


def test_bad_form_input_is_refused_clearly_and_changes_nothing(console, sql):
    admin = signed_in(console, "hr@example.com")
    csrf = csrf_of(admin.get("/admin"))
    for path, base, change in HOSTILE:
        answer = admin.post(path, data={**base, **change, "csrf": csrf})
        assert 400 <= answer.status_code < 500, (change, answer.status_code)
    for table in ("award_cycle", "kpi", "survey"):
        assert scalar(sql, f"select count(*) from {table}") == 0


def test_bad_kpi_values_comments_and_story_edits_are_refused(console, sql):
    admin = signed_in(console, "hr@example.com")
    csrf = csrf_of(admin.get("/admin"))
    assert admin.post("/admin/kpis/new", data={**KPI, "csrf": csrf}).status_code == 303
    kpi_id = scalar(sql, "select id from kpi")
    for period, value in (("2026-02-30", "1"), ("2026-11-01", "inf"), ("2026-11-01", NUL), (NUL, "1")):
        answer = admin.post(f"/admin/kpis/{kpi_id}/value", data={"csrf": csrf, "period": period, "value": value})
        assert answer.status_code == 422, (period, value)
    for comment in (NUL, LONG, ""):
        assert admin.post(f"/admin/kpis/{kpi_id}/comment", data={"csrf": csrf, "comment": comment}).status_code == 422
    assert scalar(sql, "select count(*) from kpi_value") == 0 and scalar(sql, "select count(*) from kpi_comment") == 0
    story_id, _application = queue_story_and_application(console, sql)
    parts = {part: STORY[part] for part in ("situation", "action", "outcome")}
    for change in ({"title": NUL}, {"title": LONG}, {"situation": NUL}, {"note": NUL}):
        answer = admin.post(f"/admin/stories/{story_id}/approve",
                            data={"csrf": csrf, "title": "A refund", **parts, **change})
        assert answer.status_code == 422, change
    assert scalar(sql, "select status from story") == "pending"
