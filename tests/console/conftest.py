"""Console fixtures: Fivefold served with a fake OIDC provider, a tenant met through the fake Slack, users."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from bot.console.models import ConsoleRole
from bot.console.users import create_login_link, ensure_user
from bot.db import Database
from bot.models import utcnow
from tests.conftest import ALICE, BOB, CAROL, DAVE, Served, make_settings
from tests.console.browser import launch
from tests.console.fake_oidc import CLIENT_ID, CLIENT_SECRET, FakeOIDC
from tests.fakes.slack_api import FakeSlack
from tests.http_clients import http_client
from tests.slack_requests import SlackSender

HUMANS = (ALICE, BOB, CAROL, DAVE)
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def run_db(url: str, work: Any) -> Any:
    """Run `work(session)` in one transaction on the test database."""
    async def run() -> Any:
        db = Database(url)
        try:
            async with db.transaction() as session:
                return await work(session)
        finally:
            await db.close()

    # a thread of its own: Playwright's sync API keeps an event loop running in the test's thread
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, run()).result()


def add_user(url: str, email: str, role: ConsoleRole, tenant_id: int = 1) -> None:
    """A console user of `tenant_id`."""
    async def work(session: Any) -> None:
        await ensure_user(session, tenant_id=tenant_id, email=email, role=role)

    run_db(url, work)


def login_token(url: str, email: str, role: ConsoleRole = ConsoleRole.ADMIN, tenant_id: int = 1) -> str:
    """A one-time sign-in token for `email` (the user is created when new)."""
    async def work(session: Any) -> str:
        user = await ensure_user(session, tenant_id=tenant_id, email=email, role=role)
        return await create_login_link(session, user, now=utcnow())

    result: str = run_db(url, work)
    return result


def csrf_of(page: httpx.Response) -> str:
    """The CSRF token in a page's forms."""
    found = CSRF.search(page.text)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def signed_in(served: Served, email: str, role: ConsoleRole = ConsoleRole.ADMIN, tenant_id: int = 1) -> httpx.Client:
    """An HTTP client signed in through a one-time link."""
    client = http_client(base_url=served.base_url, timeout=30)
    token = login_token(served.settings.database_url, email, role, tenant_id)
    answer = client.post("/auth/link", data={"token": token})
    assert answer.status_code == 303 and answer.headers["location"] == "/admin", answer.text
    return client


@pytest.fixture
def fake_oidc() -> Iterator[FakeOIDC]:
    with FakeOIDC() as provider:
        yield provider


@pytest.fixture
def console(database_url: str, fake_slack: FakeSlack, fake_oidc: FakeOIDC) -> Iterator[Served]:
    """Fivefold with OIDC sign-in, and tenant 1 (the fake Slack workspace) with its members met."""
    settings = make_settings(database_url, fake_slack.url, FIVEFOLD_OIDC_ISSUER=fake_oidc.issuer,
                             FIVEFOLD_OIDC_CLIENT_ID=CLIENT_ID, FIVEFOLD_OIDC_CLIENT_SECRET=CLIENT_SECRET)
    with Served(settings) as running:
        slack = SlackSender(running.base_url)
        for user in HUMANS:
            assert slack.command("/cx", "help", user=user).status_code == 200
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, one per test module."""
    yield from launch()


@pytest.fixture
def page(browser, console, fake_oidc):
    """A browser page signed in as an admin through the fake OIDC provider (the landing page's button)."""
    add_user(console.settings.database_url, "hr@example.com", ConsoleRole.ADMIN)
    fake_oidc.email = "hr@example.com"
    context = browser.new_context(base_url=console.base_url)
    tab = context.new_page()
    tab.goto("/")
    tab.get_by_role("link", name="Sign in").click()
    tab.wait_for_url("**/admin")
    yield tab
    context.close()
