"""The inbound benchmark's load generator, run in its own process by `tests.bench.inbound`.

Fires signed `/kudos` slash commands (or, with `--platform teams`, Bot Framework
activities carrying the bearer token from $BENCH_TEAMS_TOKEN, minted by the caller)
at one server on 127.0.0.1 and prints the figures as JSON on stdout: a warm-up (every user's first contact), a closed-loop
phase with a fixed number of concurrent clients, and an open-loop phase at a fixed
offered rate (latency counted from each request's scheduled send time, so a stalled
server cannot hide its queue). Before each measured phase it waits, bounded, for the
server's CPU to go idle. A request not answered within REQUEST_TIMEOUT (beyond
Slack's 3 s ack limit) is an error. Every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import sys
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from tests.bench.common import (
    TEAMS_TOKEN_ENV,
    kudos_request,
    teams_activity,
    teams_people,
    user_ids,
)

REQUEST_TIMEOUT = 5.0
SLACK_ACK_LIMIT = 3.0
MAX_CLOSED_REQUESTS = 100_000
SAMPLE_ERRORS = 5
SETTLE_LIMIT = 20.0
SETTLE_WINDOW = 0.5
SETTLE_IDLE = 0.2


@dataclass
class Phase:
    """What one phase measured."""

    name: str
    latencies: list[float] = field(default_factory=list)
    ok: int = 0
    errors: int = 0
    samples: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    sent: int = 0
    client_cpu: float = 0.0
    machine_cpu: float | None = None
    over_limit: int = 0
    drain: float = 0.0
    server_cpu: float | None = None

    def error(self, what: str) -> None:
        self.errors += 1
        if len(self.samples) < SAMPLE_ERRORS:
            self.samples.append(what[:300])

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)

        def pct(q: float) -> float | None:
            if not ordered:
                return None
            return ordered[min(len(ordered), max(1, math.ceil(q * len(ordered)))) - 1] * 1000

        return {
            "name": self.name,
            "sent": self.sent,
            "ok": self.ok,
            "errors": self.errors,
            "elapsed_s": round(self.elapsed, 3),
            "rps": round(self.ok / self.elapsed, 1) if self.elapsed else 0.0,
            "p50_ms": pct(0.50),
            "p99_ms": pct(0.99),
            "max_ms": ordered[-1] * 1000 if ordered else None,
            "over_3s": self.over_limit,
            "drain_s": round(self.drain, 1),
            "server_cpu_s": None if self.server_cpu is None else round(self.server_cpu, 3),
            "client_cpu_share": round(self.client_cpu / self.elapsed, 3) if self.elapsed else None,
            "machine_cpu_share": (
                round(self.machine_cpu / self.elapsed, 3)
                if self.elapsed and self.machine_cpu is not None
                else None
            ),
            "server_cpu_share": (
                round(self.server_cpu / self.elapsed, 3)
                if self.elapsed and self.server_cpu is not None
                else None
            ),
            "error_samples": self.samples,
        }


class Target:
    """One server under load."""

    def __init__(self, args: argparse.Namespace, session: aiohttp.ClientSession) -> None:
        self.platform = args.platform
        path = "/api/messages" if self.platform == "teams" else "/slack/events"
        self.url = args.url.rstrip("/") + path
        self.users = user_ids(args.users)
        self.people = teams_people(args.users)
        self.secret = args.secret
        self.service_url = args.service_url
        self.bot_id = args.bot_id
        self.teams_headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Authorization": f"Bearer {os.environ.get(TEAMS_TOKEN_ENV, '')}",
        }
        self.prefix = args.trigger_prefix
        self.expect = args.expect
        self.session = session
        self.next_index = 0

    def take(self) -> int:
        index, self.next_index = self.next_index, self.next_index + 1
        return index

    def request(self, index: int) -> tuple[bytes, dict[str, str]]:
        """Body and headers of request number `index`."""
        if self.platform == "teams":
            body = teams_activity(
                self.people,
                index,
                service_url=self.service_url,
                bot_id=self.bot_id,
                id_prefix=self.prefix,
            )
            return body, self.teams_headers
        return kudos_request(self.users, index, secret=self.secret, trigger_prefix=self.prefix)

    async def fire(self, phase: Phase, since: float | None = None) -> None:
        """Send one request; record its latency (from `since`, default now) or its error."""
        body, headers = self.request(self.take())
        started = time.perf_counter() if since is None else since
        phase.sent += 1
        try:
            async with self.session.post(self.url, data=body, headers=headers) as response:
                text = await response.text()
                latency = time.perf_counter() - started
                if response.status != 200:
                    phase.error(f"HTTP {response.status}: {text}")
                elif self.expect and self.expect not in text:
                    phase.error(f"HTTP 200 without {self.expect!r}: {text}")
                else:
                    phase.ok += 1
                    phase.latencies.append(latency)
        except (aiohttp.ClientError, TimeoutError) as exc:
            phase.error(f"{type(exc).__name__} after {time.perf_counter() - started:.1f} s {exc}")
        if time.perf_counter() - started > SLACK_ACK_LIMIT:
            phase.over_limit += 1


async def warmup(target: Target, count: int, concurrency: int) -> Phase:
    """Every user's first contact (members are created and looked up once)."""
    phase = Phase("warmup")
    started = time.perf_counter()
    remaining = iter(range(count))

    async def client() -> None:
        for _ in remaining:
            await target.fire(phase)

    await asyncio.gather(*(client() for _ in range(concurrency)))
    phase.elapsed = time.perf_counter() - started
    return phase


async def open_loop(target: Target, rate: float, seconds: float) -> Phase:
    """`rate` requests per second for `seconds`, whether or not earlier ones were answered."""
    phase = Phase("open")
    total = int(rate * seconds)
    started = time.perf_counter()
    tasks = []
    for number in range(total):
        scheduled = started + number / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(target.fire(phase, since=scheduled)))
    _done, pending = await asyncio.wait(tasks, timeout=REQUEST_TIMEOUT + 5)
    for task in pending:
        task.cancel()
        phase.error("no answer before the phase's deadline")
    phase.elapsed = max(seconds, time.perf_counter() - started)
    return phase


async def closed_loop(target: Target, concurrency: int, seconds: float) -> Phase:
    """`concurrency` clients, each sending its next request when the last one is answered."""
    phase = Phase("closed")
    started = time.perf_counter()
    deadline = started + seconds

    async def client() -> None:
        while time.perf_counter() < deadline and phase.sent < MAX_CLOSED_REQUESTS:
            await target.fire(phase)

    await asyncio.gather(*(client() for _ in range(concurrency)))
    phase.elapsed = time.perf_counter() - started
    return phase


def server_cpu(pid: int | None) -> float | None:
    """User + system CPU seconds the server process has used (Linux /proc)."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy() -> float | None:
    """CPU seconds the whole machine has been busy (all cores, Linux /proc/stat)."""
    try:
        with open("/proc/stat") as stat:
            ticks = [int(value) for value in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


async def measured(coroutine: Awaitable[Phase], server_pid: int | None) -> Phase:
    """Run a phase, adding the CPU time this process, the server and the machine spent in it."""
    client, server, machine = time.process_time(), server_cpu(server_pid), machine_busy()
    phase = await coroutine
    phase.client_cpu = time.process_time() - client
    busy = machine_busy()
    if machine is not None and busy is not None:
        phase.machine_cpu = busy - machine
    after = server_cpu(server_pid)
    if server is not None and after is not None:
        phase.server_cpu = after - server
    return phase


async def settle(pid: int | None) -> float:
    """Wait (bounded) until the server is idle again, so one phase's backlog cannot
    spill into the next; returns the seconds waited."""
    started = time.perf_counter()
    while pid is not None and time.perf_counter() - started < SETTLE_LIMIT:
        before = server_cpu(pid)
        await asyncio.sleep(SETTLE_WINDOW)
        after = server_cpu(pid)
        if before is None or after is None or (after - before) / SETTLE_WINDOW < SETTLE_IDLE:
            break
    return time.perf_counter() - started


async def run(args: argparse.Namespace) -> dict[str, Any]:
    connector = aiohttp.TCPConnector(
        limit=args.max_connections, limit_per_host=args.max_connections
    )
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    pid = args.server_pid
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        target = Target(args, session)
        phases = [await measured(warmup(target, args.warmup, min(args.concurrency, 4)), pid)]
        # Closed loop first: it leaves no backlog behind (at most `concurrency` in flight),
        # while an overloaded open-loop phase can leave seconds of queued work.
        for make in (
            lambda: closed_loop(target, args.concurrency, args.closed_seconds),
            lambda: open_loop(target, args.rate, args.open_seconds),
        ):
            drained = await settle(pid)
            phases.append(await measured(make(), pid))
            phases[-1].drain = drained
    return {phase.name: phase.summary() for phase in phases}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--platform", choices=("slack", "teams"), default="slack")
    parser.add_argument("--secret", default="", help="Slack signing secret")
    parser.add_argument("--service-url", default="", help="Teams: the activities' serviceUrl")
    parser.add_argument("--bot-id", default="", help="Teams: the bot's id (28:<app id>)")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--trigger-prefix", required=True)
    parser.add_argument("--expect", default="")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--open-seconds", type=float, default=10.0)
    parser.add_argument("--closed-seconds", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--max-connections", type=int, default=0, help="default: enough for the rate"
    )
    parser.add_argument(
        "--server-pid", type=int, default=None, help="for the server's CPU time per phase"
    )
    args = parser.parse_args()
    if args.max_connections <= 0:
        args.max_connections = max(args.concurrency, int(args.rate * REQUEST_TIMEOUT) + 50)
    if args.platform == "slack" and not args.secret:
        parser.error("--secret is required for Slack")
    if args.platform == "teams" and not (
        args.service_url and args.bot_id and os.environ.get(TEAMS_TOKEN_ENV)
    ):
        parser.error(f"Teams needs --service-url, --bot-id and ${TEAMS_TOKEN_ENV}")
    hosts = {urlsplit(args.url).hostname}
    if args.platform == "teams":
        hosts.add(urlsplit(args.service_url).hostname)
    if hosts != {"127.0.0.1"}:
        parser.error("the benchmark only sends traffic to 127.0.0.1")
    try:
        import uvloop
    except ImportError:
        result = asyncio.run(run(args))
    else:
        result = uvloop.run(run(args))
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
