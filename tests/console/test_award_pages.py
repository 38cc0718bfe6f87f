"""Award cycles in the console over real HTTP: creating in the tenant's zone, nominations, results, roles."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import text

from bot.console.models import ConsoleRole
from tests.conftest import ALICE, BOB, CAROL, DAVE, column, scalar
from tests.console.conftest import csrf_of, signed_in
from tests.programme.helpers import view_submission
from tests.slack_requests import SlackSender

ZONE = "Europe/Warsaw"
REASON = "<b>Always</b> there for customers"


def local(moment: dt.datetime) -> str:
    return moment.astimezone(ZoneInfo(ZONE)).strftime("%Y-%m-%dT%H:%M")


def cycle_form(now: dt.datetime, **changes: str) -> dict[str, str]:
    hour = dt.timedelta(hours=1)
    return {"name": "CX Awards <2026>", "timezone": ZONE, "categories": "Customer hero\n\nBest newcomer\n",
            "nominations_opens": local(now - hour), "nominations_closes": local(now + hour),
            "voting_opens": local(now + 2 * hour), "voting_closes": local(now + 3 * hour), **changes}


def create_cycle(admin: httpx.Client, now: dt.datetime) -> int:
    form = admin.get("/admin/awards/new")
    assert form.status_code == 200 and f'value="{ZONE}"' not in form.text  # the tenant's zone (UTC) is the default
    answer = admin.post("/admin/awards/new", data={**cycle_form(now), "csrf": csrf_of(form)})
    assert answer.status_code == 303, answer.text
    return int(answer.headers["location"].rsplit("/", 1)[1])


def nominate(console, user: str, nominee: str, category: int) -> None:
    values = {"nominee_members": [nominee], "category": f"#{category}", "reason": REASON}
    answer = SlackSender(console.base_url).interaction(view_submission(user, "awards.nominate", values, state="1"))
    assert answer.status_code == 200 and "errors" not in answer.json(), answer.text


def vote(console, user: str, category: int, nominee: str) -> None:
    values = {f"category_{category}": f"#{nominee}"}
    answer = SlackSender(console.base_url).interaction(view_submission(user, "awards.vote", values, state="1"))
    assert answer.status_code == 200 and "errors" not in answer.json(), answer.text


def close_voting(sql) -> None:
    now = dt.datetime.now(dt.UTC)
    with sql.begin() as conn:
        conn.execute(text("update award_cycle set nominations_close = :a, voting_open = :a, voting_close = :b"),
                     {"a": now - dt.timedelta(hours=2), "b": now - dt.timedelta(minutes=1)})


def test_an_admin_creates_a_cycle_in_its_zone_and_bad_windows_change_nothing(console, sql):
    admin = signed_in(console, "hr@example.com")
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    csrf = csrf_of(admin.get("/admin/awards/new"))
    wrong = admin.post("/admin/awards/new", data={**cycle_form(now, voting_opens=local(now)), "csrf": csrf})
    assert wrong.status_code == 422 and "voting must open after nominations close" in wrong.text
    bad_zone = admin.post("/admin/awards/new", data={**cycle_form(now, timezone="Mars/Base"), "csrf": csrf})
    assert bad_zone.status_code == 422 and scalar(sql, "select count(*) from award_cycle") == 0
    cycle_id = create_cycle(admin, now)
    opens = scalar(sql, "select nominations_open from award_cycle")
    stored = opens if isinstance(opens, dt.datetime) else dt.datetime.fromisoformat(str(opens))
    assert stored.replace(tzinfo=dt.UTC) == now - dt.timedelta(hours=1)  # Warsaw wall-clock, stored as UTC
    assert column(sql, "select name from award_category order by position") == ["Customer hero", "Best newcomer"]
    listing = admin.get("/admin/awards").text
    assert "CX Awards &lt;2026&gt;" in listing and "nominations open" in listing and ZONE in listing
    assert scalar(sql, "select action from console_audit where action like 'award.%'") == "award.created"
    assert admin.get(f"/admin/awards/{cycle_id}").status_code == 200
    assert admin.get("/admin/awards/999999").status_code == 404


def test_nominations_then_results_admins_see_names_analysts_see_counts(console, sql):
    admin = signed_in(console, "hr@example.com")
    cycle_id = create_cycle(admin, dt.datetime.now(dt.UTC))
    hero = scalar(sql, "select id from award_category where name = 'Customer hero'")
    nominate(console, ALICE, BOB, hero)
    nominate(console, DAVE, CAROL, hero)
    page = admin.get(f"/admin/awards/{cycle_id}").text
    assert "2 nominations" in page and "&lt;b&gt;Always&lt;/b&gt; there" in page and "<b>Always" not in page
    assert "Bob" in page and "Alice" in page and "Vote counts stay private until voting closes." in page
    analyst = signed_in(console, "analyst@example.com", ConsoleRole.ANALYST)
    seen = analyst.get(f"/admin/awards/{cycle_id}").text
    assert "2 nominations" in seen and not any(name in seen for name in ("Alice", "Bob", "Carol", "Dave", "Always"))

    now = dt.datetime.now(dt.UTC)
    with sql.begin() as conn:
        conn.execute(text("update award_cycle set nominations_close = :a, voting_open = :a, voting_close = :b"),
                     {"a": now - dt.timedelta(minutes=1), "b": now + dt.timedelta(hours=1)})
    vote(console, ALICE, hero, CAROL)
    vote(console, DAVE, hero, BOB)
    vote(console, BOB, hero, CAROL)
    assert "Votes" not in admin.get(f"/admin/awards/{cycle_id}").text  # still private while voting runs
    close_voting(sql)
    results = admin.get(f"/admin/awards/{cycle_id}").text.split('id="results"')[1].split('id="nominations"')[0]
    assert "Carol — winner</th><td>2</td>" in results and "Bob</th><td>1</td>" in results
    seen = analyst.get(f"/admin/awards/{cycle_id}").text
    assert "Nominee 1 — winner</th><td>2</td>" in seen and "Nominee 2</th><td>1</td>" in seen
    assert not any(name in seen for name in ("Alice", "Bob", "Carol", "Dave"))
    assert "Announce the winners now" not in seen

    csrf = csrf_of(admin.get(f"/admin/awards/{cycle_id}"))
    assert analyst.post(f"/admin/awards/{cycle_id}/announce", data={"csrf": csrf}).status_code == 403
    assert admin.post(f"/admin/awards/{cycle_id}/announce", data={"csrf": "forged"}).status_code == 403
    assert scalar(sql, "select announced_at from award_cycle") is None
    assert admin.post(f"/admin/awards/{cycle_id}/announce", data={"csrf": csrf}).status_code == 303
    assert scalar(sql, "select announced_at from award_cycle") is not None
    assert admin.post(f"/admin/awards/{cycle_id}/announce", data={"csrf": csrf}).status_code == 409
    assert scalar(sql, "select actor from console_audit where action = 'award.announced'") == "hr@example.com"


def test_awards_are_tenant_scoped_and_closed_to_reviewers_and_analysts_writes(console, sql):
    admin = signed_in(console, "hr@example.com")
    cycle_id = create_cycle(admin, dt.datetime.now(dt.UTC))
    with sql.begin() as conn:
        conn.execute(text("insert into tenant (platform, external_id, name, default_locale, default_timezone, created_at)"
                          " values ('teams', 'other-tenant', 'Other Co', 'en', 'UTC', CURRENT_TIMESTAMP)"))
    other_id = scalar(sql, "select id from tenant where external_id = 'other-tenant'")
    other = signed_in(console, "hr@other.example", ConsoleRole.ADMIN, tenant_id=other_id)
    assert "CX Awards" not in other.get("/admin/awards").text
    assert other.get(f"/admin/awards/{cycle_id}").status_code == 404
    close_voting(sql)
    assert other.post(f"/admin/awards/{cycle_id}/announce",
                      data={"csrf": csrf_of(other.get("/admin"))}).status_code == 404
    reviewer = signed_in(console, "reviewer@example.com", ConsoleRole.REVIEWER)
    assert reviewer.get("/admin/awards").status_code == 403
    analyst = signed_in(console, "analyst@example.com", ConsoleRole.ANALYST)
    assert analyst.get("/admin/awards/new").status_code == 403
    csrf = csrf_of(analyst.get("/admin/awards"))
    assert analyst.post("/admin/awards/new", data={**cycle_form(dt.datetime.now(dt.UTC)), "csrf": csrf}
                        ).status_code == 403
    assert scalar(sql, "select count(*) from award_cycle") == 1 and scalar(sql, "select announced_at from award_cycle") \
        is None
    polish = admin.get("/admin/awards", params={"lang": "pl"}).text
    assert "Nagrody" in polish
