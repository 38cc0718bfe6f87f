"""`fivefold serve` on PostgreSQL runs its worker as a niced child process, woken by notifications."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.db import Database
from bot.messages import Message
from bot.models import Lane, TargetKind
from bot.outbox import enqueue
from bot.wakeup import Listener
from tests import databases
from tests.conftest import ALICE, BOB
from tests.fakes.slack_api import FakeSlack
from tests.slack_requests import SIGNING_SECRET, SlackSender
from tests.test_sqlite_one_process import FIVEFOLD, environment, free_port, wait_healthy
from tests.workers import TEAM, seed_tenant_and_members


def children(pid: int) -> list[int]:
    """The process ids whose parent is `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def niceness(pid: int) -> int:
    """The process's niceness (field 19 of /proc/<pid>/stat)."""
    return int((Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split())[16])


def gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split())[0]
        except OSError:
            return True
        if state == "Z":  # exited, waiting for its (dead) parent's reaper
            return True
        time.sleep(0.05)
    return False


class Serving:
    """`fivefold serve` as a process on PostgreSQL, default role (all), talking to the fake Slack."""

    def __init__(self, url: str, fake: FakeSlack, tmp_path: Path) -> None:
        env = environment(url)
        env.update({"SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_BOT_TOKEN": "xoxb-test-token",
                    "SLACK_API_URL": fake.url, "FIVEFOLD_WORKER_POLL_SECONDS": "30",
                    "FIVEFOLD_LOG_FORMAT": "json"})
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = tmp_path / "serve.log"
        with self.log.open("wb") as sink:
            self.process = subprocess.Popen([FIVEFOLD, "serve", "--port", str(self.port)], env=env,
                                            cwd=tmp_path, stdout=sink, stderr=sink)

    def worker_pid(self) -> int:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            found = children(self.process.pid)
            if found:
                return found[0]
            time.sleep(0.05)
        raise AssertionError("serve started no worker process: " + self.log.read_text()[-2000:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture
def serving(postgres_database: str, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[Serving]:
    databases.truncate_postgres(postgres_database)
    seed_tenant_and_members(postgres_database, [ALICE, BOB])
    running = Serving(postgres_database, fake_slack, tmp_path)
    try:
        wait_healthy(running.base_url, running.process)
        yield running
    finally:
        running.stop()


def test_serve_on_postgresql_sends_from_a_niced_child_woken_at_once(serving, fake_slack):
    worker = serving.worker_pid()
    assert niceness(worker) == niceness(serving.process.pid) + 10
    assert "worker" in Path(f"/proc/{worker}/cmdline").read_text()
    time.sleep(1.0)  # the child is up and listening
    with SlackSender(serving.base_url) as slack:
        given = time.monotonic()
        assert "Kudos sent" in slack.command("/kudos", f"<@{BOB}> thanks for the demo", user=ALICE).json()["text"]
    # the worker polls every 30 s here: only the notification can bring the DM this soon
    deadline = time.monotonic() + 10
    while not [c for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == BOB]:
        assert time.monotonic() < deadline, "the receiver got no DM"
        time.sleep(0.02)
    assert time.monotonic() - given < 5
    # the web process sends nothing itself, yet its /metrics shows the worker's rate and the outbox
    rate = re.compile(r'fivefold_send_rate_per_second\{tenant="slack:' + TEAM + r'"\} [0-9.]+')
    deadline = time.monotonic() + 5  # the worker records the rate just after its posts are answered
    while not rate.search(metrics := httpx.get(serving.base_url + "/metrics", timeout=10).text):
        assert time.monotonic() < deadline, metrics
        time.sleep(0.1)
    assert 'fivefold_outbox_deliveries{lane="interactive",platform="slack",status="failed"} 0.0' in metrics


def test_the_child_stops_with_the_server_and_dies_with_it(serving):
    worker = serving.worker_pid()
    serving.process.terminate()
    assert serving.process.wait(timeout=30) in (0, -signal.SIGTERM)  # uvicorn re-raises the signal it handled
    assert gone_within(worker, 5), "SIGTERM to serve left its worker running"
    assert "worker_process.stopped" in serving.log.read_text()  # asked to finish, not orphaned


def test_a_killed_server_takes_its_worker_with_it(serving):
    worker = serving.worker_pid()
    os.kill(serving.process.pid, signal.SIGKILL)
    serving.process.wait(timeout=10)
    assert gone_within(worker, 5), "kill -9 of serve left its worker running"


def test_a_worker_that_dies_is_started_again(serving):
    first = serving.worker_pid()
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        found = [pid for pid in children(serving.process.pid) if pid != first]
        if found:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the worker was not started again")
    assert "worker_process.exited" in serving.log.read_text()


def test_a_commit_that_adds_deliveries_wakes_listeners_and_a_rollback_does_not(postgres_database):
    databases.truncate_postgres(postgres_database)
    seed_tenant_and_members(postgres_database, [ALICE])

    async def scenario() -> tuple[int, int, int]:
        db = Database(postgres_database)
        woken: list[float] = []
        stop, rang = asyncio.Event(), asyncio.Event()

        def wake() -> None:
            woken.append(time.monotonic())
            rang.set()

        listener = Listener(postgres_database, wake)
        task = asyncio.ensure_future(listener.run(stop))
        try:
            await asyncio.wait_for(listener.listening.wait(), timeout=10)
            at_start = len(woken)  # one wake-up for whatever was added before it listened

            async def add(key: str) -> None:
                async with db.transaction() as session:
                    await enqueue(session, tenant_id=1, dedupe_key=key, target_kind=TargetKind.MEMBER,
                                  target_id=ALICE, message=Message(fallback="hello"), lane=Lane.INTERACTIVE)
                    if key == "rolled-back":
                        raise LookupError(key)

            with pytest.raises(LookupError):
                await add("rolled-back")
            await asyncio.sleep(0.5)
            after_rollback = len(woken)
            rang.clear()
            await add("committed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(rang.wait(), timeout=5)
            await asyncio.sleep(0.2)  # and only once
            return at_start, after_rollback, len(woken)
        finally:
            stop.set()
            await task
            await db.close()

    at_start, after_rollback, after_commit = asyncio.run(scenario())
    assert at_start == 1
    assert after_rollback == at_start, "a rolled-back transaction woke the workers"
    assert after_commit == after_rollback + 1, "a committed delivery did not wake the workers"
