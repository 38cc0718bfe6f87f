"""Signing in: OpenID Connect through a fake provider (real discovery, JWKS, RS256), one-time links, sign-out."""

from __future__ import annotations

import base64
import datetime as dt
import json
import time

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import text
from typer.testing import CliRunner

from app import cli
from bot.console.models import ConsoleRole
from tests.conftest import scalar
from tests.console.conftest import add_user, csrf_of, login_token, signed_in
from tests.http_clients import http_client


def oidc_sign_in(console, fake_oidc, email: str, mode: str = "valid") -> tuple[httpx.Client, httpx.Response]:
    fake_oidc.email, fake_oidc.mode = email, mode
    client = http_client(base_url=console.base_url, timeout=30, follow_redirects=True)
    return client, client.get("/auth/login")


def test_oidc_sign_in_lands_on_the_overview_and_is_audited(console, fake_oidc, sql):
    add_user(console.settings.database_url, "HR@example.com", ConsoleRole.ADMIN)
    _client, answer = oidc_sign_in(console, fake_oidc, "hr@example.com")
    assert answer.status_code == 200 and answer.url.path == "/admin", answer.text
    assert "hr@example.com" in answer.text and "Overview" in answer.text
    cookie = answer.history[-1].headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert fake_oidc.token_requests[0]["code_verifier"]  # PKCE
    assert scalar(sql, "select action from console_audit") == "signed_in"


@pytest.mark.parametrize("mode", ["forged", "expired", "unverified"])
def test_a_bad_id_token_is_refused(console, fake_oidc, mode):
    add_user(console.settings.database_url, "hr@example.com", ConsoleRole.ADMIN)
    client, answer = oidc_sign_in(console, fake_oidc, "hr@example.com", mode)
    assert answer.status_code == 403 and "could not be verified" in answer.text
    assert client.get("/admin", follow_redirects=False).status_code == 303


def test_an_address_without_a_console_user_is_refused(console, fake_oidc):
    _client, answer = oidc_sign_in(console, fake_oidc, "stranger@example.com")
    assert answer.status_code == 403 and "may not use the console" in answer.text


def test_a_login_link_works_once(console):
    token = login_token(console.settings.database_url, "hr@example.com")
    with httpx.Client(base_url=console.base_url) as client:
        assert "Sign in" in client.get("/auth/link", params={"token": token}).text  # a preview does not spend it
        assert client.post("/auth/link", data={"token": token}).status_code == 303
        assert client.get("/admin").status_code == 200
    with httpx.Client(base_url=console.base_url) as again:
        assert again.post("/auth/link", data={"token": token}).status_code == 403
        assert again.get("/admin").status_code == 303


def test_an_expired_login_link_is_refused(console, sql):
    token = login_token(console.settings.database_url, "hr@example.com")
    with sql.begin() as conn:
        conn.execute(text("update console_login_link set expires_at = :t"),
                     {"t": dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=1)})
    with httpx.Client(base_url=console.base_url) as client:
        assert client.post("/auth/link", data={"token": token}).status_code == 403


def test_sign_out_needs_the_csrf_token_and_ends_the_session(console):
    client = signed_in(console, "hr@example.com")
    page = client.get("/admin")
    assert client.post("/auth/logout", data={"csrf": "wrong"}).status_code == 403
    assert client.post("/auth/logout", data={"csrf": csrf_of(page)}).status_code == 303
    assert client.get("/admin").status_code == 303


def session_cookie(settings, **session) -> str:
    """A session cookie signed the way the server signs it (Starlette's SessionMiddleware)."""
    from itsdangerous import TimestampSigner

    from bot.console.session import session_secret

    data = base64.b64encode(json.dumps(session).encode())
    return TimestampSigner(session_secret(settings)).sign(data).decode()


def test_an_idle_session_expires_on_the_server(console, sql):
    client = signed_in(console, "hr@example.com")
    assert client.get("/admin").status_code == 200
    with sql.begin() as conn:  # used 29 minutes ago: still within FIVEFOLD_CONSOLE_IDLE_MINUTES (30)
        conn.execute(text("update console_session set last_seen_at = :t"),
                     {"t": dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=29)})
    assert client.get("/admin").status_code == 200  # and the use is recorded
    recent = scalar(sql, "select last_seen_at from console_session")
    assert str(recent) >= str(dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=1))
    with sql.begin() as conn:
        conn.execute(text("update console_session set last_seen_at = :t"),
                     {"t": dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=31)})
    assert client.get("/admin").status_code == 303


def test_a_cookie_without_a_server_session_is_refused(console, sql):
    client = signed_in(console, "hr@example.com")
    uid = scalar(sql, "select id from console_user")
    # the old cookie shape (a user id and a time) is not enough, even signed with the right key
    client.cookies.set("fivefold_console", session_cookie(console.settings, uid=uid, seen=int(time.time()), csrf="t"))
    assert client.get("/admin").status_code == 303
    client.cookies.set("fivefold_console", session_cookie(console.settings, sid="made-up", csrf="t"))
    assert client.get("/admin").status_code == 303
    forged = session_cookie(console.settings.model_copy(update={"secret_key": SecretStr("x" * 40)}),
                            sid="made-up", csrf="t")
    client.cookies.set("fivefold_console", forged)
    assert client.get("/admin").status_code == 303


def test_cli_prints_a_login_link(console, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", console.settings.database_url)
    monkeypatch.setenv("FIVEFOLD_PUBLIC_URL", console.base_url)
    from bot.settings import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["admin", "login-link", "--email", "boss@example.com"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    assert link.startswith(f"{console.base_url}/auth/link?token=")
    with httpx.Client() as client:
        assert client.post(f"{console.base_url}/auth/link", data={"token": link.split("token=")[1]}).status_code == 303


def test_in_production_the_session_cookie_is_secure(database_url, fake_slack):
    from tests.conftest import Served, make_settings
    from tests.slack_requests import SlackSender

    settings = make_settings(database_url, fake_slack.url, FIVEFOLD_ENV="production",
                             FIVEFOLD_SECRET_KEY="a-production-secret-key-of-forty-characters")
    with Served(settings) as served:
        SlackSender(served.base_url).command("/cx", "help", user="U0ALICE01")
        token = login_token(database_url, "hr@example.com")
        answer = httpx.post(served.base_url + "/auth/link", data={"token": token})
        assert answer.status_code == 303
        cookie = answer.headers["set-cookie"].lower()
        assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie
