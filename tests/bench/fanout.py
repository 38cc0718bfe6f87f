"""The fan-out benchmark (SPEC §4, "Fan-out"): 10,000 DMs through a rate-limited fake Slack API.

    python -m tests.bench.fanout            # 10,000 DMs per scenario, ~3-4 minutes
    python -m tests.bench.fanout --quick    # 2,000 DMs per scenario, ~1 minute

On a fresh PostgreSQL database (dropped afterwards) a tenant with N members is
seeded with bulk SQL and one `send_now` materialises N deliveries. `fivefold
worker` processes then send them through a fake Slack Web API in this process
that enforces a workspace rate (token bucket) and 1 message/s per channel,
answering 429 + Retry-After beyond it, like Slack. Scenarios:

* 1 worker;
* 3 workers on the same database, each given a third of the workspace rate
  (FIVEFOLD_SLACK_RATE_PER_SECOND is per process: the buckets are not shared);
* 3 workers each told the full workspace rate: they share it only through the
  platform's 429 + Retry-After (rescheduled deliveries);
* 1 worker SIGKILLed half-way, then a new one started (the lease is shortened to
  FIVEFOLD_DELIVERY_LEASE_SECONDS so the dead worker's rows come back within
  the run; they are reconciled against conversations.history before re-sending).

Figures: achieved rate (successful posts, first to last) against the allowed
rate, CPU seconds of the worker processes per 1,000 messages (utime+stime from
/proc, start-up excluded where the process was started before the load),
429 answers, duplicates (a member given more than one DM) and misses (a member
given none, or a delivery not `sent`), both of which must be 0, and wall time
from `send_now` to the last delivery recorded. The baseline measured in the same
run is the fake's own limit: the allowed rate.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from tests import databases
from tests.fakes.slack_api import FakeSlack, RateLimit, Scripted
from tests.workers import (
    Process,
    kill_all,
    member_ids,
    seed_tenant_and_members,
    send_now,
    start_worker,
    status_counts,
    wait_idle,
    worker_env,
)

RATE = 200.0  # the workspace's allowed chat.postMessage rate in the fake
FAKE_BURST = 20
TARGET = 0.95
LEASE_SECONDS = 5  # for the kill scenario: how soon the dead worker's rows come back
SCENARIO_TIMEOUT = 180.0


class TimedSlack(FakeSlack):
    """The fake Slack API, also noting when each successful post was answered."""

    def __init__(self) -> None:
        super().__init__()
        self.sent_at: list[float] = []
        self._times = threading.Lock()

    def api_chat_postMessage(self, params: dict[str, Any]) -> Scripted:
        result = super().api_chat_postMessage(params)
        if result.status == 200 and result.body.get("ok"):
            with self._times:
                self.sent_at.append(time.monotonic())
        return result

    def posts(self) -> int:
        with self._times:
            return len(self.sent_at)


@dataclass
class Row:
    scenario: str
    messages: int
    achieved: float
    cpu_per_1000: float
    limited: int
    duplicates: int
    misses: int
    wall: float

    @property
    def fraction(self) -> float:
        return self.achieved / RATE


def run_scenario(
    name: str, url: str, count: int, workers: int, kill_at: int | None, logs: Path,
    *, worker_rate: float = RATE,
) -> Row:
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower())
    databases.truncate_postgres(url)
    users = member_ids(count)
    seed_tenant_and_members(url, users)
    processes: list[Process] = []
    with TimedSlack() as running:
        fake = cast(TimedSlack, running)
        fake.rate_limit = RateLimit(RATE, FAKE_BURST, per_channel=1.0)
        env = worker_env(
            url,
            fake.url,
            FIVEFOLD_SLACK_RATE_PER_SECOND=worker_rate,
            FIVEFOLD_SLACK_BURST=10,
            FIVEFOLD_WORKER_POLL_SECONDS=0.2,
            FIVEFOLD_LOG_FORMAT="json",
            FIVEFOLD_DELIVERY_LEASE_SECONDS=LEASE_SECONDS if kill_at else 300,
        )
        try:
            processes = [
                start_worker(env, logs / f"{slug}-{i}.log")
                for i in range(workers)
            ]
            startup = {p.pid: wait_idle(p) for p in processes}
            started = time.monotonic()
            send_now(url)
            if kill_at is not None:
                deadline = time.monotonic() + SCENARIO_TIMEOUT
                while fake.posts() < kill_at and time.monotonic() < deadline:
                    time.sleep(0.01)
                processes[0].kill()
                processes.append(
                    start_worker(env, logs / f"{slug}-restarted.log")
                )
            deadline = time.monotonic() + SCENARIO_TIMEOUT
            while time.monotonic() < deadline:
                if status_counts(url).get("sent", 0) >= count:
                    break
                time.sleep(0.25)
            wall = time.monotonic() - started
            time.sleep(0.5)  # anything still in flight would show as a duplicate
            cpu = sum(p.cpu_seconds() - startup.get(p.pid, 0.0) for p in processes)
        finally:
            for process in processes:
                process.stop()
            kill_all(processes)
        delivered = Counter({channel: len(messages) for channel, messages in fake.messages.items()})
        duplicates = sum(n - 1 for n in delivered.values() if n > 1)
        statuses = status_counts(url)
        unsent = count - statuses.get("sent", 0)
        missing = sum(1 for uid in users if delivered.get(fake.dm_channel(uid), 0) == 0)
        times = sorted(fake.sent_at)
        span = times[-1] - times[0] if len(times) > 1 else 0.0
        achieved = (len(times) - 1) / span if span else 0.0
        return Row(
            name,
            count,
            achieved,
            1000 * cpu / count,
            fake.rate_limit.limited,
            duplicates,
            max(unsent, missing),
            wall,
        )


def table(rows: list[Row]) -> str:
    header = (
        f"{'scenario':<27} {'DMs':>6} {'rate/s':>8} {'of allowed':>10} {'CPU s/1000':>10} "
        f"{'429s':>6} {'dups':>5} {'misses':>6} {'wall s':>7}"
    )
    lines = [header, "-" * len(header)]
    for r in rows:
        lines.append(
            f"{r.scenario:<27} {r.messages:>6} {r.achieved:>8.1f} {r.fraction:>9.1%} "
            f"{r.cpu_per_1000:>10.2f} {r.limited:>6} {r.duplicates:>5} {r.misses:>6} {r.wall:>7.1f}"
        )
    lines.append(
        f"allowed: {RATE:.0f} msgs/s per workspace (burst {FAKE_BURST}), 1 msg/s per channel; "
        f"target >= {TARGET:.0%} of allowed, 0 duplicates, 0 misses"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.fanout", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--quick", action="store_true", help="2,000 DMs per scenario instead of 10,000"
    )
    parser.add_argument("--only", choices=["1", "3", "3full", "kill"], help="run one scenario")
    args = parser.parse_args(argv)
    count = 2_000 if args.quick else 10_000
    problem = databases.postgres_reachable()
    if problem:
        print(
            f"PostgreSQL is not reachable at {databases.POSTGRES_URL}: {problem}", file=sys.stderr
        )
        return 2
    scenarios = [
        ("1 worker", 1, None, RATE),
        ("3 workers, rate/3 each", 3, None, RATE / 3),
        ("3 workers, full rate each", 3, None, RATE),
        ("1 worker, SIGKILL+restart", 1, count // 2, RATE),
    ]
    if args.only:
        scenarios = [scenarios[{"1": 0, "3": 1, "3full": 2, "kill": 3}[args.only]]]
    url = databases.create_postgres_database()
    logs = Path(tempfile.mkdtemp(prefix="fivefold-fanout-"))
    rows: list[Row] = []
    try:
        for name, workers, kill_at, worker_rate in scenarios:
            print(f"running: {name} ({count} DMs) …", file=sys.stderr, flush=True)
            rows.append(
                run_scenario(name, url, count, workers, kill_at, logs, worker_rate=worker_rate)
            )
            print(table(rows[-1:]).splitlines()[2], file=sys.stderr, flush=True)
    finally:
        databases.drop_postgres_database(url)
    print(table(rows))
    print(f"worker logs: {logs}")
    ok = all(r.duplicates == 0 and r.misses == 0 for r in rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
