"""The answer-burst benchmark: invited members answering a survey by Slack button, signed as Slack signs.

    python -m tests.bench.answers            # 5,000 answers at 100/s per database (~2 minutes in all)
    python -m tests.bench.answers --quick    # 1,000 answers

For SQLite and PostgreSQL (fresh, migrated databases) the same open-loop load —
one `block_actions` click per member, each its own trigger id, 100 a second — goes
to two servers in their own uvicorn processes on 127.0.0.1:

* baseline  - `tests.bench.baseline_app`: the Slack HMAC check and one INSERT;
* fivefold  - `fivefold serve` (web role): Bolt, the engine, the answer's checks,
              the sealed pool row, participation and the invitation's update in
              the outbox, in the transaction with the click's dedupe key.

It prints ack latency (p50 / p99 / max), answers per second and the server
process's CPU time per answer (user + system from /proc, start-up excluded: on a
shared machine the figure load distorts least), and checks that every click was
recorded exactly once.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from bot.db import sync_url
from tests import databases
from tests.bench.baseline_app import TABLE, TABLE_DDL
from tests.bench.inbound import Server, clean_environment, cpu_seconds, fivefold_command
from tests.fakes.slack_api import TEAM, FakeSlack
from tests.slack_requests import SIGNING_SECRET, payload_body, signed_headers

RATE = 100.0
P99_TARGET_MS = 200.0
QUESTION = [{"key": "q1", "kind": "scale_0_10", "text": "Recommend us?", "translate": False}]


@dataclass
class Row:
    """One server's figures."""

    server: str
    database: str
    sent: int
    ok: int
    p50: float
    p99: float
    worst: float
    per_second: float
    recorded: int | None
    cpu_ms: float | None = None  # the server process's CPU (user + system) per answer sent


def users(count: int) -> list[str]:
    return [f"U0ANS{index:05d}" for index in range(count)]


def seed(url: str, people: list[str], *, baseline_table: bool = True) -> int:
    """Tenant, members, a one-question survey and an open round inviting everyone (and, unless
    `baseline_table` is False, the baseline app's table); the round id."""
    engine = create_engine(sync_url(url))
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO tenant (platform, external_id, name, default_locale, default_timezone, "
                          "created_at) VALUES ('slack', :team, 'Bench', 'en', 'UTC', CURRENT_TIMESTAMP)"),
                     {"team": TEAM})
        conn.execute(text("INSERT INTO member (tenant_id, external_id, display_name, real_name, is_bot, is_deleted,"
                          " locale, timezone, profile_synced_at, created_at) VALUES (1, :u, :u, '', false, false, "
                          "'en', 'Europe/Warsaw', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), [{"u": u} for u in people])
        conn.execute(text("INSERT INTO survey (tenant_id, name, questions, anonymous, audience, schedule, "
                          "window_hours, reminder_count, reminder_every_hours, active, created_at) VALUES (1, 'Pulse',"
                          " :q, true, '{\"kind\": \"everyone\"}', '{\"kind\": \"once\", \"at\": "
                          "\"2099-01-01T09:00:00\"}', 72, 0, 24, true, CURRENT_TIMESTAMP)"), {"q": json.dumps(QUESTION)})
        conn.execute(text("INSERT INTO survey_round (tenant_id, survey_id, slot, opened_at, closes_at, invited) "
                          "VALUES (1, 1, 'bench', CURRENT_TIMESTAMP, '2099-01-01 00:00:00', :n)"), {"n": len(people)})
        conn.execute(text("INSERT INTO survey_participation (round_id, member_id, invited_at, responded, "
                          "reminders_sent) SELECT 1, id, CURRENT_TIMESTAMP, false, 0 FROM member"))
        if baseline_table:
            conn.execute(text(TABLE_DDL[engine.dialect.name]))
    engine.dispose()
    return 1


def click(user: str, index: int, round_id: int, *, baseline: bool) -> tuple[bytes, dict[str, str]]:
    """A signed button click, as Slack posts it (the baseline also gets a trigger_id field to insert)."""
    payload = {"type": "block_actions", "team": {"id": TEAM}, "user": {"id": user, "team_id": TEAM},
               "trigger_id": f"{index}.bench.answer", "channel": {"id": f"D{user[1:]}"},
               "container": {"type": "message"}, "api_app_id": "A0001",
               "actions": [{"action_id": "survey.answer", "block_id": "b", "type": "button",
                            "value": f"{round_id}:{index % 11}"}]}
    body = payload_body(payload) + (f"&trigger_id={index}.bench.answer" if baseline else "")
    return body.encode(), signed_headers(body)


async def burst(url: str, people: list[str], round_id: int, *, baseline: bool) -> tuple[int, list[float], float]:
    """Every member clicks once, at RATE a second (open loop); (ok, latencies in ms, seconds)."""
    latencies: list[float] = []
    ok = 0
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=httpx.Limits(max_connections=64)) as client:
        async def one(index: int, user: str) -> None:
            nonlocal ok
            body, headers = click(user, index, round_id, baseline=baseline)
            started = time.perf_counter()
            try:
                response = await client.post("/slack/events", content=body, headers=headers)
                ok += response.status_code == 200
            except httpx.HTTPError:
                pass  # counted as not ok; its time still counts
            latencies.append((time.perf_counter() - started) * 1000)

        start = time.perf_counter()
        tasks = []
        for index, user in enumerate(people):
            await asyncio.sleep(max(0.0, start + index / RATE - time.perf_counter()))
            tasks.append(asyncio.create_task(one(index, user)))
        await asyncio.gather(*tasks)
        return ok, latencies, time.perf_counter() - start


def run(server: str, database: str, url: str, people: list[str], workdir: Path, fake: FakeSlack) -> Row:
    round_id = seed(url, people)
    env = {**clean_environment(), "DATABASE_URL": url, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_API_URL": fake.url, "FIVEFOLD_ENV": "test",
           "FIVEFOLD_LOG_FORMAT": "json", "FIVEFOLD_ROLE": "web", "BENCH_DATABASE_URL": url}
    baseline = server == "baseline"
    argv = ([sys.executable, "-m", "uvicorn", "tests.bench.baseline_app:create_app", "--factory",
             "--log-level", "warning", "--no-access-log"] if baseline else [*fivefold_command(), "serve"])
    with Server(argv, env, workdir / f"{server}-{database}.log") as running:
        before = cpu_seconds(running.pid)  # start-up excluded
        ok, latencies, seconds = asyncio.run(burst(running.url, people, round_id, baseline=baseline))
        after = cpu_seconds(running.pid)
    cpu = (after - before) * 1000 / len(people) if before is not None and after is not None else None
    engine = create_engine(sync_url(url))
    with engine.connect() as conn:
        table = TABLE if baseline else "survey_participation WHERE responded"
        recorded = int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    engine.dispose()
    latencies.sort()
    return Row(server, database, len(people), ok, statistics.median(latencies),
               latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))], latencies[-1], ok / seconds, recorded, cpu)


def fresh(database: str, workdir: Path, name: str) -> str:
    if database == "sqlite":
        directory = workdir / name
        directory.mkdir()
        return f"sqlite:///{databases.sqlite_template(directory)}"
    return databases.create_postgres_database()


def render(rows: list[Row]) -> str:
    lines = [f"answer burst: signed Slack button clicks at {RATE:.0f}/s (target: ack p99 < {P99_TARGET_MS:.0f} ms)",
             f"{'server':<10}{'db':<12}{'sent':>6}{'ok':>6}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
             f"{'answers/s':>11}{'recorded':>10}{'CPU ms/ans':>12}", "-" * 94]
    for r in rows:
        lines.append(f"{r.server:<10}{r.database:<12}{r.sent:>6}{r.ok:>6}{r.p50:>9.1f}{r.p99:>9.1f}{r.worst:>9.1f}"
                     f"{r.per_second:>11.1f}{r.recorded if r.recorded is not None else '—':>10}"
                     f"{r.cpu_ms if r.cpu_ms is not None else float('nan'):>12.2f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 answers instead of 5,000")
    args = parser.parse_args()
    people = users(1000 if args.quick else 5000)
    rows = []
    with tempfile.TemporaryDirectory(prefix="fivefold-answers-") as tmp, FakeSlack() as fake:
        workdir = Path(tmp)
        for database in ("sqlite", "postgresql"):
            for server in ("baseline", "fivefold"):
                url = fresh(database, workdir, f"{server}-{database}")
                try:
                    rows.append(run(server, database, url, people, workdir, fake))
                finally:
                    if database == "postgresql":
                        databases.drop_postgres_database(url)
    print(render(rows))
    print(f"CPU ms/ans: the server process's user + system CPU per answer (from /proc); "
          f"load average {Path('/proc/loadavg').read_text().split()[0]}")


if __name__ == "__main__":
    main()
