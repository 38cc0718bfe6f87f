"""Helpers to run real Fivefold processes in tests and benchmarks.

* `fivefold worker` subprocesses (`start_worker`) against a fake Slack API in the
  calling process, killed with SIGKILL or stopped with SIGTERM;
* a scheduler-only process (`python -m tests.workers scheduler`) that runs
  `BroadcastScheduler.tick` in a loop and prints one JSON line per tick, so a test
  can see which process leads;
* seeding a tenant and many members with bulk SQL, and one `send_now`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

from sqlalchemy import create_engine, text
from sqlmodel import select

from bot.db import sync_url
from tests.slack_requests import SIGNING_SECRET

ROOT = Path(__file__).resolve().parents[1]
TEAM = "T0FIVE001"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
WORKER_COMMAND = [sys.executable, "-c", "from app import main; main()", "worker"]


def member_ids(count: int, prefix: str = "U0FAN") -> list[str]:
    """`count` Slack-like user ids."""
    return [f"{prefix}{index:06d}" for index in range(count)]


def worker_env(database_url: str, slack_url: str, **overrides: object) -> dict[str, str]:
    """The environment of a `fivefold worker` process talking to the fake Slack API."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("FIVEFOLD_", "SLACK_"))}
    env.update({
        "DATABASE_URL": database_url, "FIVEFOLD_ENV": "test", "FIVEFOLD_ROLE": "worker",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_API_URL": slack_url, "FIVEFOLD_WORKER_POLL_SECONDS": "0.05",
        "FIVEFOLD_SLACK_RATE_PER_SECOND": "1000", "FIVEFOLD_SLACK_BURST": "50",
        "FIVEFOLD_SCHEDULER_INTERVAL_SECONDS": "3600", "FIVEFOLD_LOG_FORMAT": "json",
        "PYTHONPATH": str(ROOT),
    })
    env.update({key: str(value) for key, value in overrides.items()})
    return env


class Process:
    """A child process in its own session, with its output in a log file."""

    def __init__(self, command: list[str], env: Mapping[str, str], log_path: Path) -> None:
        self.log_path = log_path
        self._log: IO[bytes] = log_path.open("ab")
        self.popen = subprocess.Popen(
            command, cwd=ROOT, env=dict(env), stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self.cpu_at_exit: float | None = None

    @property
    def pid(self) -> int:
        """The process id."""
        return self.popen.pid

    def alive(self) -> bool:
        """True while the process runs."""
        return self.popen.poll() is None

    def cpu_seconds(self) -> float:
        """User + system CPU time so far, from /proc/<pid>/stat (the last value seen after it ended)."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            return self.cpu_at_exit or 0.0
        # after ") " the fields start at 3 (state); utime and stime are fields 14 and 15
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def kill(self) -> None:
        """SIGKILL, no goodbye (reads the CPU time first)."""
        if self.alive():
            self.cpu_at_exit = self.cpu_seconds()
            os.kill(self.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)
        self._log.close()

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, then SIGKILL if it does not end within `timeout`."""
        if self.alive():
            self.cpu_at_exit = self.cpu_seconds()
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.popen.wait(timeout=10)
        self._log.close()

    def output(self) -> str:
        """What the process wrote so far."""
        return self.log_path.read_text(errors="replace")


def wait_idle(process: Process, quiet: float = 0.4, timeout: float = 30.0) -> float:
    """Wait until a freshly started process stops using CPU (imports done, idle polling); its CPU then."""
    deadline = time.monotonic() + timeout
    last = process.cpu_seconds()
    while time.monotonic() < deadline:
        time.sleep(quiet)
        if not process.alive():
            raise RuntimeError(f"process {process.pid} exited early:\n{process.output()[-3000:]}")
        now = process.cpu_seconds()
        if now - last < 0.1 * quiet and now > 0.3:
            return now
        last = now
    return last


def start_worker(env: Mapping[str, str], log_path: Path) -> Process:
    """A `fivefold worker` process."""
    return Process(WORKER_COMMAND, env, log_path)


def start_scheduler(env: Mapping[str, str], log_path: Path, interval: float = 0.2) -> Process:
    """A process that only runs the campaign scheduler's tick in a loop (see `scheduler_loop`)."""
    command = [sys.executable, "-m", "tests.workers", "scheduler", "--interval", str(interval)]
    return Process(command, env, log_path)


def kill_all(processes: Iterable[Process]) -> None:
    """SIGKILL every process still running (for `finally:` blocks)."""
    for process in processes:
        with contextlib.suppress(Exception):
            process.kill()


# --- data ------------------------------------------------------------------


def seed_tenant_and_members(database_url: str, users: list[str], *, team: str = TEAM) -> None:
    """One Slack tenant and a member per user id, in bulk."""
    engine = create_engine(sync_url(database_url))
    try:
        with engine.begin() as conn:
            conn.execute(text(
                "insert into tenant (platform, external_id, name, default_locale, default_timezone, created_at) "
                "values ('slack', :team, 'Test', 'en', 'UTC', CURRENT_TIMESTAMP)"), {"team": team})
            tenant_id = conn.execute(text("select id from tenant where external_id = :team"), {"team": team}).scalar()
            conn.execute(
                text("insert into member (tenant_id, external_id, display_name, real_name, is_bot, is_deleted, "
                     "created_at) values (:tenant, :uid, :uid, '', false, false, CURRENT_TIMESTAMP)"),
                [{"tenant": tenant_id, "uid": uid} for uid in users],
            )
    finally:
        engine.dispose()


CAMPAIGN: dict[str, Any] = {
    "name": "CX tip", "lever": "inform",
    "message": {"header": "Tip of the week", "text": "Answer within an hour."},
    "audience": {"kind": "everyone"},
    "schedule": {"kind": "once", "at": "2030-01-01T09:00", "timezone": "UTC"},
}


async def send_now_async(database_url: str, campaign: Mapping[str, Any] | None = None) -> int:
    """Create a campaign for the (only) tenant and send it now; returns the occurrence id."""
    from bot.broadcasts.audience import Roles
    from bot.broadcasts.service import send_now
    from bot.db import Database
    from bot.models import Tenant
    from programs.campaigns.schemas import CampaignIn
    from programs.campaigns.service import create_campaign

    db = Database(database_url)
    try:
        async with db.transaction() as session:
            tenant = (await session.execute(select(Tenant))).scalars().one()
            created = await create_campaign(session, tenant, CampaignIn.model_validate(campaign or CAMPAIGN))
            occurrence = await send_now(session, created, tenant, roles=Roles())
            assert occurrence.id is not None
            return occurrence.id
    finally:
        await db.close()


def send_now(database_url: str, campaign: Mapping[str, Any] | None = None) -> int:
    """`send_now_async` from synchronous code."""
    return asyncio.run(send_now_async(database_url, campaign))


def status_counts(database_url: str) -> dict[str, int]:
    """How many deliveries are in each status."""
    engine = create_engine(sync_url(database_url))
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("select status, count(*) from delivery group by status"))
            return {str(row[0]): int(row[1]) for row in rows}
    finally:
        engine.dispose()


def wait_for(predicate: Any, timeout: float, message: str, poll: float = 0.05) -> None:
    """Poll `predicate` until true or fail with `message`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(poll)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {message}")


# --- the scheduler-only process ---------------------------------------------


async def scheduler_loop(database_url: str, interval: float) -> None:
    """Tick the campaign scheduler forever; one JSON line per tick on stdout."""
    from bot.broadcasts.audience import Roles
    from bot.broadcasts.scheduler import BroadcastScheduler
    from bot.db import Database

    scheduler = BroadcastScheduler(Database(database_url), roles=Roles(), interval=interval)
    while True:
        try:
            created = await scheduler.tick()
            error = None
        except Exception as exc:  # keep ticking, like the real scheduler
            created, error = 0, repr(exc)
        leader = scheduler.leadership._connection is not None or scheduler.db.dialect != "postgresql"
        line = {"pid": os.getpid(), "t": time.time(), "leader": leader, "created": created, "error": error}
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()
        await asyncio.sleep(interval)


def ticks(process: Process) -> list[dict[str, Any]]:
    """The JSON tick lines a scheduler process printed so far."""
    lines = []
    for raw in process.output().splitlines():
        if raw.startswith("{") and '"leader"' in raw:
            lines.append(json.loads(raw))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.workers")
    sub = parser.add_subparsers(dest="command", required=True)
    scheduler = sub.add_parser("scheduler", help="tick the campaign scheduler in a loop (DATABASE_URL)")
    scheduler.add_argument("--interval", type=float, default=0.2)
    args = parser.parse_args()
    if args.command == "scheduler":
        asyncio.run(scheduler_loop(os.environ["DATABASE_URL"], args.interval))


if __name__ == "__main__":
    main()
