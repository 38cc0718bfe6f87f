"""A bad day for PostgreSQL, through a loopback TCP proxy: bounded waits, and no lost kudos."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests import databases
from tests.conftest import ALICE, BOB, Served, make_settings, scalar
from tests.http_clients import http_client
from tests.slack_requests import SlackSender
from tests.tcp_proxy import TcpProxy
from tests.test_slack_interactions import reaction

pytestmark = pytest.mark.postgres


@pytest.fixture
def proxied(postgres_database: str, fake_slack) -> Iterator[tuple[TcpProxy, Served]]:
    """Fivefold (web role) talking to PostgreSQL through the proxy."""
    databases.truncate_postgres(postgres_database)
    proxy, url = TcpProxy.for_url(postgres_database)
    settings = make_settings(url, fake_slack.url, FIVEFOLD_ROLE="web", FIVEFOLD_DB_CONNECT_TIMEOUT_SECONDS=1,
                             FIVEFOLD_DB_STATEMENT_TIMEOUT_SECONDS=2)
    try:
        with Served(settings) as served:
            yield proxy, served
            proxy.restore()  # let the pool's connections close cleanly
    finally:
        proxy.close()


@pytest.fixture
def pg_sql(postgres_database: str):
    from sqlalchemy import create_engine

    from bot.db import sync_url

    engine = create_engine(sync_url(postgres_database))
    yield engine
    engine.dispose()


def test_readyz_answers_503_quickly_when_postgres_holds_traffic(proxied):
    proxy, served = proxied
    client = http_client(base_url=served.base_url, timeout=30)
    assert client.get("/readyz").status_code == 200
    proxy.hold()
    for _ in range(3):  # a pooled connection first, then new ones that never get an answer
        started = time.monotonic()
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["database"] == "unreachable"
        assert time.monotonic() - started < 2.5
    assert client.get("/healthz").status_code == 200  # the server itself is not stuck
    proxy.restore()
    deadline = time.monotonic() + 10
    while client.get("/readyz").status_code != 200:
        assert time.monotonic() < deadline, "readyz did not recover"
        time.sleep(0.1)


def test_an_event_that_could_not_be_stored_is_retried_by_slack(proxied, pg_sql):
    proxy, served = proxied
    slack = SlackSender(served.base_url)
    assert "Kudos sent" in slack.command("/kudos", f"<@{BOB}> thanks", user=ALICE).json()["text"]
    proxy.down()

    response = slack.event(reaction("reaction_added"), event_id="Ev0OUTAGE1")
    assert response.status_code == 503  # not 2xx: Slack sends it again
    command = slack.command("/kudos", f"<@{BOB}> again", user=ALICE)
    assert command.status_code == 200 and "can't reach its database" in command.json()["text"]

    proxy.restore()
    retried = slack.event(reaction("reaction_added"), event_id="Ev0OUTAGE1", retry=1)
    assert retried.status_code == 200
    assert scalar(pg_sql, "select count(*) from kudos where source = 'reaction'") == 1
    assert slack.event(reaction("reaction_added"), event_id="Ev0OUTAGE1", retry=2).status_code == 200
    assert scalar(pg_sql, "select count(*) from kudos where source = 'reaction'") == 1


def test_a_request_is_not_held_longer_than_the_database_timeouts(proxied):
    proxy, served = proxied
    slack = SlackSender(served.base_url)
    assert slack.command("/cx", "stats", user=ALICE).status_code == 200
    proxy.hold()
    started = time.monotonic()
    response = slack.command("/cx", "stats", user=ALICE)
    assert response.status_code == 503  # Slack shows its own error; the server is free again
    assert time.monotonic() - started < 5  # connect (1 s) + statement (2 s) timeouts, and a little
