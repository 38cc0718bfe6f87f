"""Console security: anonymous requests, the analyst role, tenancy, CSRF and escaping of user text."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import text

from bot.console.models import ConsoleRole
from tests.conftest import scalar
from tests.console.conftest import csrf_of, signed_in

CAMPAIGN_FORM = {"name": "Tip", "lever": "inform", "text": "Answer within an hour", "audience": "everyone",
                 "schedule": "recurring", "cron": "0 9 * * mon", "timezone": "recipient"}


def admin_paths(app) -> list[tuple[str, str]]:
    """Every (method, path) the console serves under /admin, ids filled in with 1."""
    from bot.console.app import manifest_router
    from bot.console.auth_routes import router as auth_router

    found = []
    routers = [("/admin" + page.path, page.router) for page in app.state.console.pages]
    routers += [("", manifest_router), ("", auth_router)]
    for prefix, router in routers:
        for route in router.routes:
            path = prefix + route.path
            if path.startswith("/admin"):
                found += [(method, re.sub(r"\{[^}]+\}", "1", path)) for method in sorted(route.methods)]
    return found


def create_campaign(client: httpx.Client, **changes: str) -> int:
    form = client.get("/admin/campaigns/new")
    answer = client.post("/admin/campaigns/new", data={**CAMPAIGN_FORM, **changes, "csrf": csrf_of(form)})
    assert answer.status_code == 303, answer.text
    return int(answer.headers["location"].rsplit("/", 1)[1])


def test_every_admin_route_refuses_an_anonymous_request(console):
    paths = admin_paths(console.app)
    assert len(paths) >= 20 and ("GET", "/admin/manifest/1") in paths
    with httpx.Client(base_url=console.base_url) as anonymous:
        for method, path in paths:
            answer = anonymous.request(method, path)
            if method == "GET":
                assert answer.status_code == 303 and answer.headers["location"] == "/", (method, path)
            else:
                assert answer.status_code == 401, (method, path, answer.status_code)


def test_an_analyst_reads_results_but_changes_nothing_and_sees_no_identities(console, sql):
    admin = signed_in(console, "hr@example.com")
    campaign_id = create_campaign(admin)
    analyst = signed_in(console, "analyst@example.com", ConsoleRole.ANALYST)
    detail = analyst.get(f"/admin/campaigns/{campaign_id}")
    assert detail.status_code == 200 and "reaches 4 members today" in detail.text
    assert not any(name in detail.text for name in ("Alice", "Bob", "Carol", "Dave"))
    for path in ("/admin/people", "/admin/settings", "/admin/audit", "/admin/values", "/admin/people/1/export",
                 "/admin/campaigns/new", f"/admin/campaigns/{campaign_id}/edit", "/admin/manifest/slack"):
        assert analyst.get(path).status_code == 403, path
    csrf = csrf_of(analyst.get("/admin"))
    for path in ("/admin/campaigns/new", f"/admin/campaigns/{campaign_id}/pause", "/admin/people/1/forget",
                 "/admin/settings/keys", "/admin/values"):
        assert analyst.post(path, data={**CAMPAIGN_FORM, "csrf": csrf, "slug": "x"}).status_code == 403, path
    assert scalar(sql, "select count(*) from broadcast") == 1 and scalar(sql, "select count(*) from api_key") == 0
    assert scalar(sql, "select active from broadcast") in (True, 1)
    assert "Alice" not in analyst.get("/admin/campaigns").text
    refused = analyst.get("/admin/people", headers={"Accept-Language": "pl-PL,pl;q=0.9"})
    assert refused.status_code == 403 and "Twoja rola na to nie pozwala" in refused.text  # a page, not JSON
    assert httpx.get(console.base_url + "/api/v1/campaigns").json()["detail"]  # the API still answers JSON


def test_a_user_of_tenant_a_cannot_see_tenant_b(console, sql):
    with sql.begin() as conn:
        conn.execute(text("insert into tenant (platform, external_id, name, default_locale, default_timezone, created_at)"
                          " values ('teams', 'other-tenant', 'Other Co', 'en', 'UTC', CURRENT_TIMESTAMP)"))
    other_id = scalar(sql, "select id from tenant where external_id = 'other-tenant'")
    admin = signed_in(console, "hr@example.com")
    campaign_id = create_campaign(admin, name="Secret plan")
    csrf = csrf_of(admin.get("/admin"))
    assert admin.post(f"/admin/campaigns/{campaign_id}/send-now", data={"csrf": csrf}).status_code == 303
    occurrence_id = scalar(sql, "select id from occurrence")
    alice_id = scalar(sql, "select id from member where external_id = 'U0ALICE01'")

    other = signed_in(console, "hr@other.example", ConsoleRole.ADMIN, tenant_id=other_id)
    other_csrf = csrf_of(other.get("/admin"))
    assert "Secret plan" not in other.get("/admin/campaigns").text
    assert "Alice" not in other.get("/admin/people").text
    assert other.get(f"/admin/campaigns/{campaign_id}").status_code == 404
    assert other.get(f"/admin/campaigns/occurrences/{occurrence_id}/progress").status_code == 404
    assert other.get(f"/admin/people/{alice_id}/export").status_code == 404
    assert other.post(f"/admin/people/{alice_id}/forget", data={"csrf": other_csrf}).status_code == 404
    assert other.post(f"/admin/campaigns/{campaign_id}/pause", data={"csrf": other_csrf}).status_code == 404
    assert scalar(sql, "select display_name from member where id = :id", id=alice_id) == "Alice"
    assert "hr@example.com" not in other.get("/admin/audit").text


def test_forms_without_the_sessions_csrf_token_are_refused(console, sql):
    admin = signed_in(console, "hr@example.com")
    other = signed_in(console, "other-admin@example.com")
    foreign = csrf_of(other.get("/admin"))
    for token in (None, "", "forged", foreign):
        data = {**CAMPAIGN_FORM, **({"csrf": token} if token is not None else {})}
        assert admin.post("/admin/campaigns/new", data=data).status_code == 403, token
        assert admin.post("/admin/settings/keys", data={"name": "k", **({"csrf": token} if token else {})}
                          ).status_code == 403
    assert scalar(sql, "select count(*) from broadcast") == 0 and scalar(sql, "select count(*) from api_key") == 0


def test_user_text_is_escaped_on_every_page(console, sql):
    attack = '<script>alert("x")</script>'
    with sql.begin() as conn:
        conn.execute(text("update member set display_name = :name where external_id = 'U0ALICE01'"), {"name": attack})
    admin = signed_in(console, "hr@example.com")
    campaign_id = create_campaign(admin, name=attack, text=attack, header=attack)
    pages = ["/admin", "/admin/campaigns", f"/admin/campaigns/{campaign_id}", f"/admin/campaigns/{campaign_id}/edit",
             "/admin/people", "/admin/audit", "/admin/settings"]
    for path in pages:
        body = admin.get(path).text
        assert "<script>alert" not in body, path
    assert "&lt;script&gt;alert" in admin.get("/admin/people").text
    assert "&lt;script&gt;alert" in admin.get(f"/admin/campaigns/{campaign_id}").text
