"""CPU per answer, in-process: the answer path profiled without uvicorn, sockets or other load.

    python -m tests.bench.answer_cpu                      # 300 answers per server and database
    python -m tests.bench.answer_cpu --profile fivefold   # … and cProfile's top functions for Fivefold

Each server (the baseline's HMAC check and one INSERT, and Fivefold) gets the
same signed `block_actions` clicks through httpx's ASGI transport, `--concurrency`
at a time, after a warm-up; the figure is this process's CPU time (user +
system) per answer, which another process's load barely changes.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import logging
import os
import pstats
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

from tests import databases
from tests.bench.answers import click, fresh, seed, users
from tests.bench.common import kudos_request
from tests.conftest import make_settings
from tests.fakes.slack_api import FakeSlack
from tests.slack_requests import SIGNING_SECRET

WARM_UP = 30
STATEMENTS = [0]
CONNECTS = [0]


@event.listens_for(Engine, "before_cursor_execute")
def _count(*_args: Any) -> None:
    STATEMENTS[0] += 1


@event.listens_for(Pool, "connect")
def _connected(*_args: Any) -> None:
    CONNECTS[0] += 1


async def drive(app: FastAPI, people: list[str], round_id: int, *, baseline: bool, kudos: bool, concurrency: int,
                profiler: cProfile.Profile | None) -> tuple[float, float, int]:
    """CPU ms and SQL statements per request over `people` (after the warm-up), `concurrency` requests at a
    time, and how many database connections were opened meanwhile."""
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport,
                                                                     base_url="http://bench") as client:
        async def one(index: int) -> None:
            if kudos:
                body, headers = kudos_request(people, index, secret=SIGNING_SECRET, trigger_prefix="cpu")
            else:
                body, headers = click(people[index], index, round_id, baseline=baseline)
            response = await client.post("/slack/events", content=body, headers=headers)
            if response.status_code != 200:
                raise RuntimeError(f"answer {index}: {response.status_code} {response.text[:200]}")

        for index in range(WARM_UP):
            await one(index)
        statements, connects = STATEMENTS[0], CONNECTS[0]
        started = time.process_time()
        if profiler is not None:
            profiler.enable()
        for first in range(WARM_UP, len(people), concurrency):
            await asyncio.gather(*(one(i) for i in range(first, min(len(people), first + concurrency))))
        if profiler is not None:
            profiler.disable()
        measured = len(people) - WARM_UP
        return ((time.process_time() - started) * 1000 / measured, (STATEMENTS[0] - statements) / measured,
                CONNECTS[0] - connects)


def make_app(server: str, url: str, slack_url: str) -> FastAPI:
    if server == "baseline":  # the same HMAC check and one INSERT as the answer benchmark's
        from tests.bench.baseline_app import create_app as baseline_app

        os.environ.update({"BENCH_DATABASE_URL": url, "SLACK_SIGNING_SECRET": SIGNING_SECRET})
        return baseline_app()
    from app import create_app

    return create_app(make_settings(url, slack_url, FIVEFOLD_ROLE="web"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--servers", default="baseline,kudos,fivefold",
                        help="baseline (HMAC + INSERT), kudos (Fivefold's /kudos), fivefold (the answer)")
    parser.add_argument("--profile", choices=["baseline", "kudos", "fivefold"], default=None)
    args = parser.parse_args()
    people = users(args.answers + WARM_UP)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    lines = [f"{'server':<10}{'db':<12}{'CPU ms/request':>15}{'statements':>11}{'connects':>9}"]
    with tempfile.TemporaryDirectory(prefix="fivefold-answer-cpu-") as tmp, FakeSlack() as fake:
        for database in args.databases.split(","):
            for server in args.servers.split(","):
                url = fresh(database, Path(tmp), f"{server}-{database}")
                try:
                    round_id = seed(url, people)
                    profiler = cProfile.Profile() if args.profile == server else None
                    cpu, statements, connects = asyncio.run(drive(
                        make_app(server, url, fake.url), people, round_id, baseline=server == "baseline",
                        kudos=server == "kudos", concurrency=args.concurrency, profiler=profiler))
                    lines.append(f"{server:<10}{database:<12}{cpu:>15.2f}{statements:>11.1f}{connects:>9}")
                    if profiler is not None:
                        out = io.StringIO()
                        stats: Any = pstats.Stats(profiler, stream=out)
                        stats.sort_stats("cumulative").print_stats(45)
                        stats.sort_stats("tottime").print_stats(30)
                        print(f"--- {server} on {database} ---\n{out.getvalue()}")
                finally:
                    if database == "postgresql":
                        databases.drop_postgres_database(url)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
