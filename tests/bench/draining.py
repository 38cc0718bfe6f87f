"""Part of the fan-out benchmark: inbound `/kudos` latency with the outbox empty and with it draining.

`fivefold serve` (default settings: on PostgreSQL its worker runs as a niced child
process) against a fake Slack enforcing the same unannounced limit as the fan-out runs.
The inbound benchmark's load generator fires signed `/kudos` at 100 requests/s (open
loop) twice: first with the outbox empty, then right after a broadcast left `backlog`
deliveries pending. That is one round; each round starts from a new server and an
emptied database, and the rounds' median ratio is the figure judged (the p99 of one
30-second phase moved by ±40 % between identical runs on the shared machine). Also
measured: the CPU of one scheduler tick over the last round's already-materialised
broadcast (what every 30-second tick costs it).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.broadcasts.audience import Roles
from bot.broadcasts.scheduler import BroadcastScheduler
from bot.db import Database
from tests import databases
from tests.bench.common import user_ids
from tests.bench.inbound import Plan, Server, clean_environment, fivefold_command, run_load
from tests.bench.keepalive import KeepAliveSlack
from tests.fakes.slack_api import RateLimit
from tests.slack_requests import SIGNING_SECRET
from tests.workers import member_ids, seed_tenant_and_members, send_now, status_counts

# 30 s at 100 requests/s: the p99 of 3,000 requests (10 s gave 1,000, and a p99 that moved ±40 % between runs)
PLAN = Plan(users=200, warmup=200, rate=100.0, open_seconds=30.0, closed_seconds=2.0, concurrency=8)


ROUNDS = 3


@dataclass
class Round:
    """One round: p99 with the outbox empty, then with `backlog` deliveries draining."""

    backlog: int
    empty_p99: float
    draining_p99: float

    @property
    def ratio(self) -> float:
        """Draining p99 over empty p99."""
        return self.draining_p99 / self.empty_p99 if self.empty_p99 else float("inf")


@dataclass
class Inbound:
    """What the draining runs measured."""

    rounds: list[Round]
    tick_cpu_ms: float

    @property
    def ratio(self) -> float:
        """The rounds' median draining/empty ratio (target: within 1.5)."""
        return statistics.median(round_.ratio for round_ in self.rounds)


def tick_cpu(url: str) -> float:
    """CPU milliseconds of one scheduler tick over the campaigns as they are (slots all materialised)."""

    async def run() -> float:
        db = Database(url)
        try:
            scheduler = BroadcastScheduler(db, roles=Roles())
            started = time.process_time()
            await scheduler.tick()
            return (time.process_time() - started) * 1000
        finally:
            await scheduler.leadership.release()
            await db.close()

    return asyncio.run(run())


def open_p99(figures: dict[str, Any]) -> float:
    return float(figures["open"]["p99_ms"] or 0.0)


def run_inbound(url: str, backlog: int, logs: Path, rate: float, burst: int, rounds: int = ROUNDS) -> Inbound:
    """`rounds` times: serve Fivefold on an emptied database, measure inbound p99 with an empty outbox,
    then with `backlog` deliveries draining."""
    measured: list[Round] = []
    with KeepAliveSlack() as fake:
        fake.rate_limit = RateLimit(rate, burst, per_channel=1.0)
        for uid in user_ids(PLAN.users):
            fake.add_user(uid, f"Bench {uid[-5:]}", tz="Europe/Warsaw", locale="en-US")
        env = {
            **clean_environment(), "DATABASE_URL": url, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_API_URL": fake.url, "FIVEFOLD_ENV": "test",
            "FIVEFOLD_LOG_FORMAT": "json", "FIVEFOLD_KUDOS_DAILY_ALLOWANCE": "1000000",
        }
        for number in range(1, rounds + 1):
            databases.truncate_postgres(url)
            seed_tenant_and_members(url, member_ids(backlog))
            with Server([*fivefold_command(), "serve"], env, logs / f"inbound-serve-{number}.log") as server:
                empty = run_load(server.url, PLAN, "Kudos sent", server.pid)
                send_now(url)
                pending = status_counts(url).get("pending", 0)
                draining = run_load(server.url, PLAN, "Kudos sent", server.pid)
            measured.append(Round(pending, open_p99(empty), open_p99(draining)))
            print(f"  round {number}: {render_round(number, measured[-1])}", file=sys.stderr, flush=True)
    return Inbound(measured, tick_cpu(url))


def render_round(number: int, round_: Round) -> str:
    """One round's line of the inbound table."""
    return (f"{f'round {number} ({round_.backlog} pending)':<30} {round_.empty_p99:>10.0f} "
            f"{round_.draining_p99:>13.0f} {round_.ratio:>7.2f}")


def render(result: Inbound) -> str:
    """The inbound table."""
    return "\n".join([
        f"{'inbound /kudos at 100 req/s':<30} {'empty p99':>10} {'draining p99':>13} {'ratio':>7}",
        "-" * 63,
        *(render_round(number, round_) for number, round_ in enumerate(result.rounds, 1)),
        f"draining / empty, median of {len(result.rounds)} rounds: {result.ratio:.2f} (target <= 1.5); "
        f"p99 in ms; scheduler tick over the materialised broadcast: {result.tick_cpu_ms:.1f} ms CPU",
    ])
