"""The fan-out benchmark (SPEC §4, "Fan-out"): DMs through a fake Slack API with a limit Fivefold is not told.

    python -m tests.bench.fanout            # 30,000 DMs per scenario, ~15 minutes
    python -m tests.bench.fanout --quick    # 3,000 DMs per scenario, ~7 minutes
    python -m tests.bench.fanout --only inbound   # inbound p99, outbox empty vs draining: 3 rounds, ~5 minutes

On a fresh PostgreSQL database (dropped afterwards) a tenant with N members is
seeded with bulk SQL and one `send_now` materialises N deliveries. `fivefold
worker` processes then send them through a fake Slack Web API in this process
that enforces a workspace rate (token bucket) and 1 message/s per channel,
answering 429 + Retry-After beyond it, like Slack. The workers run with the
default settings: no FIVEFOLD_SLACK_RATE_PER_SECOND, so the rate is found from
Slack's answers (one budget shared through the database by every worker). During
the broadcast a "kudos" DM (an interactive delivery) is added every second, and
its delay from being committed to being posted is measured. Scenarios:

* 1 worker;
* 3 workers on the same database (together they must stay within one budget);
* 1 worker SIGKILLed half-way, then a new one started (its rows come back once
  the dead worker's leases, no longer renewed, run out; they are reconciled
  against conversations.history before re-sending).

Figures: achieved rate (successful posts, first to last) against the allowed
rate, CPU seconds of the worker processes per 1,000 messages (utime+stime from
/proc, start-up excluded where the process was started before the load),
429 answers per 1,000 messages, the most sent in any one second, kudos DM
delay p50/p99, duplicates (a member given more than one DM) and misses (a member
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
from itertools import pairwise
from pathlib import Path
from typing import Any, cast

from sqlalchemy import create_engine

from bot.db import sync_url
from bot.messages import Message, Text, compose
from bot.models import Delivery, Lane, utcnow
from tests import databases
from tests.bench import draining
from tests.bench.keepalive import KeepAliveSlack
from tests.fakes.slack_api import RateLimit, Scripted
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

RATE = 100.0  # the workspace's allowed chat.postMessage rate in the fake (Fivefold is not told)
FAKE_BURST = 20
TARGET = 0.90
SCENARIO_TIMEOUT = 600.0
KUDOS_EVERY = 1.0  # seconds between kudos DMs added during the broadcast


class TimedSlack(KeepAliveSlack):
    """The fake Slack API, also noting when each successful post was answered."""

    def __init__(self) -> None:
        super().__init__()
        self.sent_at: list[float] = []
        self.kudos_at: dict[str, float] = {}  # kudos DM channel → when it was posted
        self.limited_at: list[float] = []  # when each 429 was answered
        self._times = threading.Lock()

    def api_chat_postMessage(self, params: dict[str, Any]) -> Scripted:
        result = super().api_chat_postMessage(params)
        if result.status == 200 and result.body.get("ok"):
            with self._times:
                now = time.monotonic()
                if str(params.get("channel", "")).startswith("U0KUDOS"):
                    self.kudos_at[str(result.body["channel"])] = now
                else:
                    self.sent_at.append(now)
        elif result.status == 429:
            with self._times:
                self.limited_at.append(time.monotonic())
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
    busiest_second: int
    kudos_p50: float
    kudos_p99: float
    seconds: list[tuple[int, int]]  # (posts, 429s) in each second from `send_now` on
    calls: int  # chat.postMessage calls, answered 429 or not (kudos DMs included)
    silence: float  # the longest time without a successful post, first to last (a restart shows here)


    @property
    def fraction(self) -> float:
        return self.achieved / RATE

    @property
    def busiest_5s(self) -> float:
        """The highest rate over any 5 whole seconds (within one budget: at most the limit, plus a burst)."""
        posts = [sent for sent, _ in self.seconds]
        return max((sum(posts[i:i + 5]) / 5 for i in range(max(1, len(posts) - 4))), default=0.0)


class Kudos(threading.Thread):
    """Adds an interactive DM every KUDOS_EVERY seconds until stopped; notes when each was committed."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url, self.stopped = url, threading.Event()
        self.added: dict[str, float] = {}
        self.engine = create_engine(sync_url(url))

    def run(self) -> None:
        message = Message(fallback="kudos", blocks=[Text(spans=compose("Thanks!"))]).model_dump(mode="json")
        table = Delivery.__table__  # type: ignore[attr-defined]
        index = 0
        with self.engine.connect() as conn:
            tenant_id = conn.execute(table.select().with_only_columns(table.c.tenant_id).limit(1)).scalar()
        while not self.stopped.wait(KUDOS_EVERY):
            uid = f"U0KUDOS{index:05d}"
            with self.engine.begin() as conn:
                conn.execute(table.insert().values(
                    tenant_id=tenant_id, dedupe_key=f"kudos:{index}", target_kind="member", target_id=uid, locale="en",
                    lane=Lane.INTERACTIVE.value, message=message, status="pending", attempts=0,
                    due_at=utcnow(), created_at=utcnow()))
            self.added["D" + uid[1:]] = time.monotonic()
            index += 1

    def delays(self, posted: dict[str, float]) -> list[float]:
        """Seconds from commit to post of each kudos DM (inf: never posted)."""
        return sorted(posted.get(channel, float("inf")) - at for channel, at in self.added.items())


def percentile(values: list[float], fraction: float) -> float:
    return values[min(len(values) - 1, int(fraction * len(values)))] if values else float("nan")


def run_scenario(name: str, url: str, count: int, workers: int, kill_at: int | None, logs: Path) -> Row:
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower())
    databases.truncate_postgres(url)
    users = member_ids(count)
    seed_tenant_and_members(url, users)
    processes: list[Process] = []
    with TimedSlack() as running:
        fake = cast(TimedSlack, running)
        fake.rate_limit = RateLimit(RATE, FAKE_BURST, per_channel=1.0)
        env = worker_env(url, fake.url, FIVEFOLD_LOG_FORMAT="json")
        for default in ("FIVEFOLD_SLACK_RATE_PER_SECOND", "FIVEFOLD_SLACK_BURST", "FIVEFOLD_WORKER_POLL_SECONDS"):
            del env[default]  # the defaults: no ceiling, the documented burst and poll
        kudos = Kudos(url)
        try:
            processes = [
                start_worker(env, logs / f"{slug}-{i}.log")
                for i in range(workers)
            ]
            startup = {p.pid: wait_idle(p) for p in processes}
            started = time.monotonic()
            send_now(url)
            kudos.start()
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
                counts = status_counts(url)
                if counts.get("sent", 0) >= count and not counts.get("pending") and not counts.get("in_flight"):
                    break
                time.sleep(0.25)
            wall = time.monotonic() - started
            kudos.stopped.set()
            time.sleep(3.0)  # anything still in flight would show as a duplicate
            cpu = sum(p.cpu_seconds() - startup.get(p.pid, 0.0) for p in processes)
        finally:
            kudos.stopped.set()
            for process in processes:
                process.stop()
            kill_all(processes)
            kudos.engine.dispose()
        delivered = Counter({channel: len(messages) for channel, messages in fake.messages.items()})
        duplicates = sum(n - 1 for n in delivered.values() if n > 1)
        statuses = status_counts(url)
        unsent = count + len(kudos.added) - statuses.get("sent", 0)
        missing = sum(1 for uid in users if delivered.get(fake.dm_channel(uid), 0) == 0)
        times = sorted(fake.sent_at)
        span = times[-1] - times[0] if len(times) > 1 else 0.0
        achieved = (len(times) - 1) / span if span else 0.0
        busiest = max(Counter(int(at) for at in times).values(), default=0)
        delays = kudos.delays(fake.kudos_at)
        return Row(name, count, achieved, 1000 * cpu / count, fake.rate_limit.limited, duplicates,
                   max(unsent, missing), wall, busiest, percentile(delays, 0.5), percentile(delays, 0.99),
                   per_second(started, fake.sent_at, fake.limited_at), len(fake.calls_to("chat.postMessage")),
                   max((b - a for a, b in pairwise(times)), default=0.0))


def per_second(start: float, sent: list[float], limited: list[float]) -> list[tuple[int, int]]:
    """Posts and 429s in each whole second since `start`."""
    posts, refused = Counter(int(at - start) for at in sent), Counter(int(at - start) for at in limited)
    last = max([*posts, *refused], default=-1)
    return [(posts[second], refused[second]) for second in range(last + 1)]


def histogram(row: Row) -> str:
    """One line per second: posts (and 429s) as numbers and a bar, so lost seconds show."""
    lines = [f"{row.scenario}: posts per second (429s) from send_now on"]
    for second, (posts, refused) in enumerate(row.seconds):
        lines.append(f"{second:>4} {posts:>4} ({refused:>3}) {'#' * (posts // 4)}{'!' * refused}")
    return "\n".join(lines)


def table(rows: list[Row]) -> str:
    header = (
        f"{'scenario':<27} {'DMs':>6} {'rate/s':>8} {'of allowed':>10} {'max in 1 s':>10} {'max 5 s/s':>9} "
        f"{'CPU s/1000':>10} "
        f"{'429/1000':>8} {'429 %calls':>10} {'kudos p50':>9} {'kudos p99':>9} {'silence':>7} {'dups':>5} {'misses':>6} {'wall s':>7}"
    )
    lines = [header, "-" * len(header)]
    for r in rows:
        lines.append(
            f"{r.scenario:<27} {r.messages:>6} {r.achieved:>8.1f} {r.fraction:>9.1%} {r.busiest_second:>10} "
            f"{r.busiest_5s:>9.1f} "
            f"{r.cpu_per_1000:>10.2f} {1000 * r.limited / r.messages:>8.1f} {r.limited / max(1, r.calls):>10.2%} "
            f"{r.kudos_p50:>8.2f}s "
            f"{r.kudos_p99:>8.2f}s {r.silence:>6.1f}s {r.duplicates:>5} {r.misses:>6} {r.wall:>7.1f}"
        )
    lines.append(
        f"baseline: the fake allows {RATE:.0f} msgs/s per workspace (burst {FAKE_BURST}), 1 msg/s per channel, "
        f"unannounced; default settings. Targets: >= {TARGET:.0%} of allowed, < 20 429s per 1,000 messages "
        "(< 2 % of calls), "
        "kudos p99 < 5 s, 0 duplicates, 0 misses, 3 workers within one budget"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.fanout", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--quick", action="store_true", help="3,000 DMs per scenario instead of 30,000"
    )
    parser.add_argument("--only", choices=["1", "3", "kill", "inbound"], help="run one scenario")
    parser.add_argument("--seconds", action="store_true", help="also print posts and 429s in each second")
    args = parser.parse_args(argv)
    count = 3_000 if args.quick else 30_000
    problem = databases.postgres_reachable()
    if problem:
        print(
            f"PostgreSQL is not reachable at {databases.POSTGRES_URL}: {problem}", file=sys.stderr
        )
        return 2
    scenarios = [
        ("1 worker", 1, None),
        ("3 workers", 3, None),
        ("1 worker, SIGKILL+restart", 1, count // 2),
    ]
    if args.only:
        scenarios = [scenarios[{"1": 0, "3": 1, "kill": 2}[args.only]]] if args.only != "inbound" else []
    url = databases.create_postgres_database()
    logs = Path(tempfile.mkdtemp(prefix="fivefold-fanout-"))
    rows: list[Row] = []
    try:
        for name, workers, kill_at in scenarios:
            print(f"running: {name} ({count} DMs) …", file=sys.stderr, flush=True)
            rows.append(run_scenario(name, url, count, workers, kill_at, logs))
            print(table(rows[-1:]).splitlines()[2], file=sys.stderr, flush=True)
        inbound = None
        if args.only in (None, "inbound"):
            print(f"running: inbound /kudos with the outbox empty, then {count} draining "
                  f"({draining.ROUNDS} rounds) …", file=sys.stderr, flush=True)
            inbound = draining.run_inbound(url, count, logs, RATE, FAKE_BURST)
    finally:
        databases.drop_postgres_database(url)
    if args.seconds:
        for row in rows:
            print(histogram(row))
    print(table(rows))
    if inbound is not None:
        print(draining.render(inbound))
    print(f"worker logs: {logs}")
    ok = all(r.duplicates == 0 and r.misses == 0 for r in rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
