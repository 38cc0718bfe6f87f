"""Server-side console sessions: sign-out, an admin's revoke, a removed user or a changed role end them everywhere."""

from __future__ import annotations

import httpx
from sqlalchemy import text

from bot.console.models import ConsoleRole
from tests.conftest import scalar
from tests.console.conftest import csrf_of, signed_in
from tests.http_clients import http_client


def stolen_copy(console, client: httpx.Client) -> httpx.Client:
    """Another browser holding a copy of `client`'s session cookie."""
    thief = http_client(base_url=console.base_url, timeout=30)
    thief.cookies.set("fivefold_console", client.cookies["fivefold_console"])
    return thief


def test_a_stolen_cookie_stops_working_after_sign_out(console, sql):
    client = signed_in(console, "hr@example.com")
    thief = stolen_copy(console, client)
    assert thief.get("/admin").status_code == 200
    assert client.post("/auth/logout", data={"csrf": csrf_of(client.get("/admin"))}).status_code == 303
    assert thief.get("/admin").status_code == 303
    assert thief.post("/admin/settings/keys", data={"csrf": "x", "name": "k"}).status_code == 401
    assert scalar(sql, "select count(*) from console_session") == 0


def test_an_admin_sees_and_revokes_a_session(console, sql):
    admin = signed_in(console, "hr@example.com")
    analyst = signed_in(console, "analyst@example.com", ConsoleRole.ANALYST)
    assert analyst.get("/admin").status_code == 200
    page = admin.get("/admin/settings")
    assert page.status_code == 200 and "analyst@example.com" in page.text and "Signed-in sessions" in page.text
    session_id = scalar(sql, "select s.id from console_session s join console_user u on u.id = s.user_id "
                             "where u.email = 'analyst@example.com'")
    assert admin.post(f"/admin/settings/sessions/{session_id}/revoke", data={"csrf": "wrong"}).status_code == 403
    assert analyst.get("/admin").status_code == 200
    answer = admin.post(f"/admin/settings/sessions/{session_id}/revoke", data={"csrf": csrf_of(page)})
    assert answer.status_code == 303
    assert analyst.get("/admin").status_code == 303
    assert admin.get("/admin").status_code == 200  # the admin's own session is untouched
    assert scalar(sql, "select target from console_audit where action = 'console_session.revoked'") \
        == "analyst@example.com"
    assert admin.post(f"/admin/settings/sessions/{session_id}/revoke", data={"csrf": csrf_of(page)}).status_code == 404


def test_changing_a_role_or_removing_a_user_ends_their_sessions(console, sql):
    admin = signed_in(console, "hr@example.com")
    other = signed_in(console, "lead@example.com")
    csrf = csrf_of(admin.get("/admin/settings"))
    assert other.get("/admin/settings").status_code == 200
    answer = admin.post("/admin/settings/users", data={"csrf": csrf, "email": "lead@example.com", "role": "analyst"})
    assert answer.status_code == 303
    assert other.get("/admin").status_code == 303  # signed out: next time they come in as an analyst
    again = signed_in(console, "lead@example.com", ConsoleRole.ANALYST)
    assert again.get("/admin/settings").status_code == 403
    user_id = scalar(sql, "select id from console_user where email = 'lead@example.com'")
    assert admin.post(f"/admin/settings/users/{user_id}/remove", data={"csrf": csrf}).status_code == 303
    assert again.get("/admin").status_code == 303
    assert scalar(sql, "select count(*) from console_user where email = 'lead@example.com'") == 0
    assert scalar(sql, "select action from console_audit order by id desc limit 1") == "console_user.removed"


def test_an_admin_cannot_remove_themselves_or_another_tenants_user(console, sql):
    admin = signed_in(console, "hr@example.com")
    csrf = csrf_of(admin.get("/admin/settings"))
    own_id = scalar(sql, "select id from console_user where email = 'hr@example.com'")
    assert admin.post(f"/admin/settings/users/{own_id}/remove", data={"csrf": csrf}).status_code == 409
    with sql.begin() as conn:
        conn.execute(text("insert into tenant (platform, external_id, name, default_locale, default_timezone, "
                          "created_at) values ('slack', 'T0OTHER', 'Other', 'en', 'UTC', '2026-01-01')"))
    other_tenant = scalar(sql, "select id from tenant where external_id = 'T0OTHER'")
    outsider = signed_in(console, "boss@other.example", tenant_id=other_tenant)
    outsider_id = scalar(sql, "select id from console_user where email = 'boss@other.example'")
    assert admin.post(f"/admin/settings/users/{outsider_id}/remove", data={"csrf": csrf}).status_code == 404
    outsider_session = scalar(sql, f"select id from console_session where user_id = {outsider_id}")
    assert admin.post(f"/admin/settings/sessions/{outsider_session}/revoke", data={"csrf": csrf}).status_code == 404
    assert outsider.get("/admin").status_code == 200
    assert "boss@other.example" not in admin.get("/admin/settings").text
