"""The results benchmark: a survey with 1,000,000 responses (50 departments, 20 rounds) on PostgreSQL.

    python -m tests.bench.results            # ~1–2 minutes on 2 cores
    python -m tests.bench.results --quick    # 100,000 responses

Bulk-loads the rows with `generate_series` into a fresh, migrated database
(dropped afterwards), serves Fivefold under uvicorn on 127.0.0.1 and times
`GET /api/v1/surveys/{id}/results` (overall, `?by=department`, an older round,
each response carrying the 20-round trend) next to the raw aggregate SQL
the same numbers need, measured in the same run on the same database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Callable

import httpx
import psycopg

from bot.api.keys import Role, create_api_key
from bot.db import Database
from programs.engage.templates import template_questions
from tests import databases
from tests.conftest import Served, make_settings

ROUNDS, DEPARTMENTS = 20, 50
TARGET_P95_MS = 100.0
RAW = {
    "overall": "SELECT (answers->>'recommend')::int, count(*) FROM survey_response WHERE round_id = {last} "
               "GROUP BY 1",
    "by department": "SELECT department, (answers->>'recommend')::int, count(*) FROM survey_response "
                     "WHERE round_id = {last} GROUP BY 1, 2",
    "trend": "SELECT round_id, (answers->>'recommend')::int, count(*) FROM survey_response GROUP BY 1, 2",
}


def load(url: str, responses: int) -> int:
    """Tenant, members, an eNPS survey, its rounds, participation and `responses` responses; the survey id."""
    members = responses // ROUNDS
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute("INSERT INTO tenant (platform, external_id, name, default_locale, default_timezone, created_at)"
                     " VALUES ('slack', 'T0BENCH01', 'Bench', 'en', 'UTC', now())")
        conn.execute("INSERT INTO member (tenant_id, external_id, display_name, real_name, is_bot, is_deleted, "
                     "department, created_at) SELECT 1, 'U' || g, 'm' || g, '', false, false, 'Dept ' || (g %% %s), "
                     "now() FROM generate_series(1, %s) g", (DEPARTMENTS, members))
        conn.execute("INSERT INTO survey (tenant_id, name, template, questions, anonymous, audience, schedule, "
                     "window_hours, reminder_count, reminder_every_hours, active, created_at) VALUES (1, 'eNPS', "
                     "'enps', %s, true, '{\"kind\": \"everyone\"}', '{\"kind\": \"once\", \"at\": "
                     "\"2099-01-01T09:00:00\"}', 72, 0, 24, true, now())", (json.dumps(template_questions("enps")),))
        conn.execute("INSERT INTO survey_round (tenant_id, survey_id, slot, opened_at, closes_at, closed_at, invited) "
                     "SELECT 1, 1, 'r' || r, now() - (%s - r) * interval '30 days', now() - (%s - r) * interval "
                     "'27 days', now() - (%s - r) * interval '27 days', %s FROM generate_series(1, %s) r",
                     (ROUNDS, ROUNDS, ROUNDS, members, ROUNDS))
        conn.execute("INSERT INTO survey_participation (round_id, member_id, invited_at, responded, reminders_sent) "
                     "SELECT r, m, now(), true, 0 FROM generate_series(1, %s) r, generate_series(1, %s) m",
                     (ROUNDS, members))
        conn.execute("INSERT INTO survey_response (id, round_id, department, answers) SELECT md5(random()::text || g),"
                     " 1 + g %% %s, 'Dept ' || (g %% %s), json_build_object('recommend', (g::bigint * 7919 + g / 7) %% 11) "
                     "FROM generate_series(1, %s) g", (ROUNDS, DEPARTMENTS, responses))
        # the counts the pool flushes keep in step with the responses they write (programs.engage.tally)
        conn.execute("INSERT INTO survey_tally (round_id, question, department, location, country, value, count) "
                     "SELECT round_id, '', coalesce(department, ''), '', '', 0, count(*) FROM survey_response "
                     "GROUP BY 1, 3 UNION ALL SELECT round_id, 'recommend', coalesce(department, ''), '', '', "
                     "(answers->>'recommend')::int, count(*) FROM survey_response GROUP BY 1, 3, 6")
        conn.execute("INSERT INTO survey_tally (round_id, question, department, location, country, value, count) "
                     "SELECT r, '@invited', m.department, '', '', 0, count(*) FROM generate_series(1, %s) r, member m "
                     "GROUP BY 1, 3", (ROUNDS,))
        conn.execute("VACUUM ANALYZE")
    return 1


def timed(call: Callable[[], object], runs: int) -> tuple[float, float]:
    """p50 and p95 (ms) of `runs` calls after two warm-ups."""
    for _ in range(2):
        call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(0.95 * len(samples)))]


def api_key(url: str) -> str:
    async def make() -> str:
        db = Database(url)
        try:
            async with db.transaction() as session:
                return (await create_api_key(session, tenant_id=1, role=Role.ANALYST))[1]
        finally:
            await db.close()

    return asyncio.run(make())


def measure(url: str, survey_id: int, runs: int) -> list[tuple[str, float, float, float, float]]:
    """(case, API p50, API p95, raw SQL p50, raw SQL p95) per case."""
    settings = make_settings(url, "http://127.0.0.1:9", FIVEFOLD_ROLE="web")
    rows = []
    headers = {"Authorization": f"Bearer {api_key(url)}"}
    with Served(settings) as served, psycopg.connect(url.replace("+psycopg", "")) as raw, httpx.Client(
        base_url=served.base_url, headers=headers, timeout=60
    ) as client:
        paths = {"overall": "", "by department": "?by=department", "trend": "?round=5"}
        for case, query in paths.items():
            def get(query: str = query) -> None:
                client.get(f"/api/v1/surveys/{survey_id}/results{query}").raise_for_status()

            def sql(case: str = case) -> None:
                raw.execute(RAW[case].format(last=ROUNDS)).fetchall()

            rows.append((case, *timed(get, runs), *timed(sql, runs)))
    return rows


def table(rows: list[tuple[str, float, float, float, float]], responses: int) -> str:
    lines = [f"results endpoint, {responses:,} responses, {DEPARTMENTS} departments, {ROUNDS} rounds (PostgreSQL)",
             f"{'case':<16}{'API p50':>10}{'API p95':>10}{'SQL p50':>10}{'SQL p95':>10}  target p95 < 100 ms",
             "-" * 78]
    for case, api50, api95, sql50, sql95 in rows:
        verdict = "ok" if api95 < TARGET_P95_MS else "MISSED"
        lines.append(f"{case:<16}{api50:>9.1f} {api95:>9.1f} {sql50:>9.1f} {sql95:>9.1f}   {verdict}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 responses instead of 1,000,000")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    responses = 100_000 if args.quick else 1_000_000
    url = databases.create_postgres_database()
    try:
        started = time.perf_counter()
        survey_id = load(url, responses)
        print(f"loaded in {time.perf_counter() - started:.1f} s")
        print(table(measure(url, survey_id, args.runs), responses))
    finally:
        databases.drop_postgres_database(url)


if __name__ == "__main__":
    main()
