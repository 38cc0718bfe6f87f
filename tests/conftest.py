"""Shared fixtures: both databases, the fake Slack API, and Fivefold served over real HTTP."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from bot.db import sync_url
from bot.settings import Settings
from tests import databases
from tests.fakes.slack_api import FakeSlack
from tests.http_clients import close_all
from tests.slack_requests import SIGNING_SECRET, SlackSender

BACKENDS = ["sqlite", "postgresql"]
# Log events that mean a bug in the server: a test fails when one appears (see `server_errors`)
BUG_EVENTS = {"slack.listener_failed", "dispatch.failed"}
WATCHED_LOGGERS = ("adapters", "bot", "programs", "slack_bolt", "uvicorn.error")


class ServerErrors(logging.Handler):
    """Collects log records that reveal a server exception (a listener or handler that raised)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.found: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        event = record.msg.get("event") if isinstance(record.msg, dict) else record.getMessage()
        if event in BUG_EVENTS or record.name.startswith(("slack_bolt", "uvicorn.error")):
            self.found.append(f"{record.name}: {event}")


@pytest.fixture(autouse=True)
def server_errors(request: pytest.FixtureRequest) -> Iterator[ServerErrors]:
    """Fail the test when the server logged an exception it did not expect (a bug).

    Handlers sit on Fivefold's and the SDKs' own loggers: the app's logging set-up replaces
    the root logger's handlers, never these. A test that provokes such a record on purpose
    is marked `allow_server_errors`.
    """
    collector = ServerErrors()
    loggers = [logging.getLogger(name) for name in WATCHED_LOGGERS]
    for logger in loggers:
        logger.addHandler(collector)
    yield collector
    for logger in loggers:
        logger.removeHandler(collector)
    if collector.found and request.node.get_closest_marker("allow_server_errors") is None:
        pytest.fail("the server logged exceptions: " + "; ".join(collector.found), pytrace=False)


@pytest.fixture(autouse=True)
def close_http_clients() -> Iterator[None]:
    """Close the HTTP clients the test took from `tests.http_clients.http_client`."""
    yield
    close_all()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return databases.sqlite_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    problem = databases.postgres_reachable()
    if problem:
        message = f"PostgreSQL is not reachable at {databases.POSTGRES_URL}: {problem}"
        if databases.postgres_required():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    url = databases.create_postgres_database()
    yield url
    databases.drop_postgres_database(url)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated, empty database of each kind."""
    if request.param == "sqlite":
        return databases.sqlite_copy(sqlite_template, tmp_path)
    url: str = request.getfixturevalue("postgres_database")
    databases.truncate_postgres(url)
    return url


@pytest.fixture
def sql(database_url: str) -> Iterator[Engine]:
    """A synchronous engine on the test database, for assertions."""
    engine = create_engine(sync_url(database_url))
    yield engine
    engine.dispose()


def scalar(engine: Engine, query: str, **params: Any) -> Any:
    """One value from a SQL query."""
    with engine.connect() as conn:
        return conn.execute(text(query), params).scalar()


def column(engine: Engine, query: str, **params: Any) -> list[Any]:
    """The first column of every row of a SQL query (the connection is closed again)."""
    with engine.connect() as conn:
        return [row[0] for row in conn.execute(text(query), params)]


ALICE, BOB, CAROL, DAVE = "U0ALICE01", "U0BOB0001", "U0CAROL01", "U0DAVE001"
ROBOT, GONE = "U0ROBOT01", "U0GONE001"


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        fake.add_user(ALICE, "Alice", tz="Europe/Warsaw", locale="en-US")
        fake.add_user(BOB, "Bob", tz="America/New_York", locale="pl-PL")
        fake.add_user(CAROL, "Carol", tz="Europe/Kyiv", locale="uk-UA")
        fake.add_user(DAVE, "Dave", tz="Asia/Tokyo")
        fake.add_user(ROBOT, "Robot", is_bot=True)
        fake.add_user(GONE, "Gone", deleted=True)
        yield fake


def make_settings(database_url: str, slack_url: str, **overrides: Any) -> Settings:
    """Settings for a test server (no `.env` file is read)."""
    values: dict[str, Any] = {
        "DATABASE_URL": database_url, "FIVEFOLD_ENV": "test",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_API_URL": slack_url, "FIVEFOLD_WORKER_POLL_SECONDS": 0.05,
        "FIVEFOLD_SLACK_RATE_PER_SECOND": 100.0, "FIVEFOLD_SLACK_BURST": 100,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


class Served:
    """Fivefold running under uvicorn in a background thread, on a loopback port."""

    def __init__(self, settings: Settings) -> None:
        from app import create_app

        self.settings = settings
        self.app = create_app(settings)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(self.app, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.exit_code: int | str | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        # uvicorn ends a failed startup (e.g. the lifespan refusing a database that is behind)
        # with sys.exit(3). In a thread that SystemExit would reach threading.excepthook, which
        # pytest reports as PytestUnhandledThreadExceptionWarning; keep its code for __enter__.
        try:
            self.server.run(sockets=[self.sock])
        except SystemExit as exit_:
            self.exit_code = exit_.code

    def __enter__(self) -> Served:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                self._stop()  # `with` never calls __exit__ when __enter__ raises
                raise RuntimeError(f"Fivefold did not start (uvicorn exit code {self.exit_code})")
            time.sleep(0.02)
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop()

    def _stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)
        self.sock.close()


@pytest.fixture
def served(database_url: str, fake_slack: FakeSlack) -> Iterator[Served]:
    with Served(make_settings(database_url, fake_slack.url)) as running:
        yield running


@pytest.fixture
def slack(served: Served) -> Iterator[SlackSender]:
    with SlackSender(served.base_url) as sender:
        yield sender


def wait_until(predicate: Any, timeout: float = 10.0, message: str = "condition") -> None:
    """Poll `predicate` until true or fail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {message}")
