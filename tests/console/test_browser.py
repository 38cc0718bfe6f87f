"""The console in a real browser: OIDC sign-in, every page accessible, a campaign's progress bar, forgetting."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from tests.conftest import BOB, scalar, wait_until
from tests.console.browser import axe_source, check_accessibility, wider_than_a_phone
from tests.console.test_review_pages import queue_story_and_application
from tests.console.test_survey_pages import survey_with_round
from tests.engage.conftest import write_responses


@pytest.fixture(scope="module")
def axe() -> str:
    return axe_source()


def create_campaign(page, name: str, text: str) -> None:
    page.goto("/admin/campaigns/new")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Message", exact=True).fill(text)
    assert page.locator("#preview-text").inner_text() == text  # the live preview follows the typing
    page.get_by_role("radio", name="Once").check()
    page.get_by_label("Date and time (once)").fill("2031-01-06T09:00")
    # the form shows its audience and next sends as it is filled in, before anything is saved
    wait_until(lambda: "reaches 4 members today" in page.locator("#upcoming").inner_text(), timeout=10,
               message="the live audience size")
    assert "Mon 2031-01-06 09:00" in page.locator("#upcoming").inner_text()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/admin/campaigns/*")
    assert page.locator("#next ~ ul time, section ul time").first.inner_text().startswith("Mon 2031-01-06 09:00")


def test_every_page_is_accessible_and_fits_a_phone(page, axe, browser, console, fake_slack, sql):
    check_accessibility(page, axe, "overview")
    create_campaign(page, "Weekly tip", "Answer within an hour")
    check_accessibility(page, axe, "campaign")
    queue_story_and_application(console, sql)
    with ThreadPoolExecutor(max_workers=1) as pool:  # Playwright's event loop runs in this thread
        survey_id, round_id = pool.submit(survey_with_round, console, fake_slack).result()
        answers = [({}, {"recommend": score}) for score in (10, 9, 8, 6, 0, 7)]
        pool.submit(write_responses, console.settings.database_url, round_id, answers,
                    console.settings.secret_key.get_secret_value()).result()
    with sql.begin() as conn:  # the overview's eNPS, KPI and customer NPS charts with numbers too
        conn.execute(text("update survey_round set closed_at = CURRENT_TIMESTAMP"))
        conn.execute(text("insert into kpi (tenant_id, name, unit, target, direction, source, position, created_at)"
                          " values (1, 'Customers', '', 30, 'higher', 'customer_nps', 0, CURRENT_TIMESTAMP)"))
        conn.execute(text("insert into feedback (tenant_id, score, team, received_on, created_at)"
                          " values (1, 9, 'Support', CURRENT_DATE, CURRENT_TIMESTAMP)"))
    for path, name in [("/admin", "overview-charts"), ("/admin/campaigns", "campaigns"),
                       ("/admin/campaigns/new", "campaign-form"),
                       ("/admin/people", "people"), ("/admin/values", "values"), ("/admin/settings", "settings"),
                       ("/admin/audit", "audit"), ("/admin/surveys", "surveys"),
                       (f"/admin/surveys/{survey_id}", "survey-results"), ("/admin/stories", "stories"),
                       ("/admin/ambassadors", "ambassadors")]:
        page.goto(path)
        check_accessibility(page, axe, name)
    phone = browser.new_context(base_url=console.base_url, viewport={"width": 390, "height": 844},
                                storage_state=page.context.storage_state())
    tab = phone.new_page()
    for path in ("/", "/admin", "/admin/campaigns/new", "/admin/people", f"/admin/surveys/{survey_id}",
                 "/admin/stories", "/admin/settings"):
        tab.goto(path)
        assert wider_than_a_phone(tab) == [], path
    tab.goto("/")
    check_accessibility(tab, axe, "landing-phone")
    phone.close()


def test_a_campaign_sent_now_fills_its_progress_bar(page, fake_slack):
    create_campaign(page, "All hands", "Town hall at 15:00")
    page.get_by_role("button", name="Send now").click()
    bar = page.locator("progress").first
    wait_until(lambda: bar.get_attribute("value") == bar.get_attribute("max") == "4", timeout=20,
               message="the progress bar to reach 4 of 4")
    assert "100 %" in page.locator(".occurrence .numbers").first.inner_text()
    assert len(fake_slack.wait_for("chat.postMessage", count=4)) >= 4


def test_forgetting_a_member_in_the_browser_erases_them(page, sql):
    bob = scalar(sql, "select id from member where external_id = :id", id=BOB)
    page.goto("/admin/people")
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator(f"#member-{bob}").get_by_role("button", name="Forget").click()
    page.wait_for_url("**/admin/people")
    assert "Bob" not in page.locator("table").inner_text()
    assert scalar(sql, "select display_name from member where id = :id", id=bob) == ""
    assert scalar(sql, "select external_id from member where id = :id", id=bob) == f"forgotten-{bob}"


def test_limits_are_saved_and_a_bad_value_explained_in_the_browser(page, axe, sql):
    page.goto("/admin/settings")
    page.get_by_label("Kudos a member may give per day").fill("3")
    page.get_by_label("Kudos reaction (Slack emoji name)").fill(":tada:")
    page.get_by_role("button", name="Save limits").click()
    page.wait_for_url("**/admin/settings#limits")
    assert "In force: 3." in page.locator("#allowance-default").inner_text()
    assert scalar(sql, "select kudos_emoji from tenant") == "tada"
    page.get_by_label("Kudos reaction (Slack emoji name)").fill("Party Parrot")
    page.get_by_role("button", name="Save limits").click()
    assert "lowercase letters" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Kudos reaction (Slack emoji name)").get_attribute("aria-invalid") == "true"
    check_accessibility(page, axe, "settings-refused")
    assert scalar(sql, "select kudos_emoji from tenant") == "tada"


def test_award_kpi_and_survey_pages_are_accessible_and_fit_a_phone(page, axe, browser, console, fake_slack):
    page.goto("/admin/awards/new")
    check_accessibility(page, axe, "award-form")
    page.get_by_label("Name", exact=True).fill("CX Awards 2031")
    page.get_by_label("Categories, one per line", exact=False).fill("Customer hero\nBest newcomer")
    for field, value in (("nominations_opens", "2031-01-05T09:00"), ("nominations_closes", "2031-01-19T17:00"),
                         ("voting_opens", "2031-01-20T09:00"), ("voting_closes", "2031-01-31T17:00")):
        page.locator(f"#{field}").fill(value)
    page.get_by_role("button", name="Create").click()
    page.wait_for_url("**/admin/awards/*")
    assert "2031-01-05 09:00" in page.locator("main").inner_text()
    award = page.url
    check_accessibility(page, axe, "award")

    page.goto("/admin/kpis")
    page.get_by_label("Name", exact=True).fill("First reply time")
    page.get_by_label("Target", exact=True).fill("4")
    page.get_by_label("Which way is better").select_option("lower")
    page.get_by_role("button", name="Add the KPI").click()
    page.wait_for_url("**/admin/kpis#kpi-*")
    page.get_by_label("Period (its first day)").fill("2031-01-01")
    page.get_by_label("Value", exact=True).focus()
    page.keyboard.type("3.5")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the form works from the keyboard
    assert "3.5" in page.locator("table").first.inner_text()

    with ThreadPoolExecutor(max_workers=1) as pool:  # Playwright's event loop runs in this thread
        survey_id, round_id = pool.submit(survey_with_round, console, fake_slack).result()
        answers = [({"department": "Sales"}, {"recommend": s}) for s in (10, 9, 8, 6, 0, 7)]
        answers += [({"department": "Ops"}, {"recommend": 9})] * 2
        pool.submit(write_responses, console.settings.database_url, round_id, answers,
                    console.settings.secret_key.get_secret_value()).result()
    breakdown = f"/admin/surveys/{survey_id}?round={round_id}&by=department"
    for path, name in [("/admin/awards", "awards"), ("/admin/kpis", "kpis"), ("/admin/surveys/new", "survey-form"),
                       (breakdown, "survey-breakdown")]:
        page.goto(path)
        check_accessibility(page, axe, name)
    assert "suppressed: fewer than 5 respondents" in page.locator("main").inner_text()  # Ops, 2 answers
    phone = browser.new_context(base_url=console.base_url, viewport={"width": 390, "height": 844},
                                storage_state=page.context.storage_state())
    tab = phone.new_page()
    for path in ("/admin/awards", award, "/admin/awards/new", "/admin/kpis", "/admin/surveys/new", breakdown):
        tab.goto(path)
        assert wider_than_a_phone(tab) == [], path
    phone.close()
