"""Survey pages in the console over real HTTP: suppressed cells say why, charts carry their numbers, CSV, roles."""

from __future__ import annotations

import httpx

from bot.console.models import ConsoleRole
from tests.console.conftest import signed_in
from tests.engage.conftest import ERIN, FRANK, admin_key, create_survey, write_responses
from tests.slack_requests import SlackSender


def survey_with_round(console, fake_slack) -> tuple[int, int]:
    """An eNPS survey sent now to six members (the anonymity threshold is the default, 5)."""
    slack = SlackSender(console.base_url)
    for user, name in ((ERIN, "Erin"), (FRANK, "Frank")):
        fake_slack.add_user(user, name)
        assert slack.command("/cx", "help", user=user).status_code == 200
    url = console.settings.database_url
    with httpx.Client(base_url=console.base_url, timeout=30,
                      headers={"Authorization": f"Bearer {admin_key(url)}"}) as api:
        survey_id = create_survey(api, name="Pulse <b>Q4</b>", template="enps", questions=None)
        round_id = int(api.post(f"/api/v1/surveys/{survey_id}/send-now").json()["round_id"])
    return survey_id, round_id


def test_results_below_the_threshold_show_suppressed_with_the_reason_then_charts_once_enough_answer(
        console, fake_slack):
    survey_id, round_id = survey_with_round(console, fake_slack)
    secret = console.settings.secret_key.get_secret_value()
    url = console.settings.database_url
    write_responses(url, round_id, [({}, {"recommend": 10, "better": "Plants"})] * 2, secret)
    analyst = signed_in(console, "analyst@example.com", ConsoleRole.ANALYST)
    listing = analyst.get("/admin/surveys")
    assert listing.status_code == 200 and f'href="/admin/surveys/{survey_id}"' in listing.text
    assert "Pulse &lt;b&gt;Q4&lt;/b&gt;" in listing.text and "of 6 answered" in listing.text  # invited
    page = analyst.get(f"/admin/surveys/{survey_id}").text
    assert "2 of 6 invited answered (33.3%)" in page
    assert "suppressed: fewer than 5 respondents" in page
    assert "suppressed: comments are shown for at least 10 answers" in page
    assert "Promoters" not in page  # no eNPS split below the threshold
    polish = analyst.get(f"/admin/surveys/{survey_id}", params={"lang": "pl"}).text
    assert "ukryte: mniej niż 5 respondentów" in polish and "Udział w kolejnych turach" in polish

    write_responses(url, round_id, [({}, {"recommend": s}) for s in (9, 8, 6, 0)], secret)
    page = analyst.get(f"/admin/surveys/{survey_id}").text
    assert "suppressed: fewer than 5 respondents" not in page
    assert page.count('<svg role="img"') >= 3  # participation, distribution, eNPS
    # promoters 10, 10, 9 = 3; passives 8 = 1; detractors 6, 0 = 2; (3 − 2) / 6 = +16.7
    assert '<th scope="row">eNPS +16.7</th><td>3</td><td>1</td><td>2</td>' in page
    assert '<th scope="row">10</th><td>2</td>' in page  # the distribution's table beside its chart
    assert "suppressed: comments are shown for at least 10 answers" in page

    export = analyst.get(f"/admin/surveys/{survey_id}/export.csv")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    assert "overall,,recommend,enps," in export.text and "attachment" in export.headers["content-disposition"]


def test_survey_pages_are_for_admins_and_analysts_only(console, fake_slack):
    survey_id, _round = survey_with_round(console, fake_slack)
    reviewer = signed_in(console, "reviewer@example.com", ConsoleRole.REVIEWER)
    assert reviewer.get("/admin/surveys").status_code == 403
    assert reviewer.get(f"/admin/surveys/{survey_id}").status_code == 403
    assert reviewer.get(f"/admin/surveys/{survey_id}/export.csv").status_code == 403
    admin = signed_in(console, "hr@example.com")
    assert admin.get(f"/admin/surveys/{survey_id}").status_code == 200
    assert admin.get("/admin/surveys/999999").status_code == 404
    assert admin.get("/admin/surveys/nope").status_code in (404, 422)
    with httpx.Client(base_url=console.base_url) as anonymous:
        assert anonymous.get(f"/admin/surveys/{survey_id}").status_code == 303
        assert anonymous.get(f"/admin/surveys/{survey_id}/export.csv").status_code == 303
