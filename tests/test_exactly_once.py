"""Exactly once, with real processes: `fivefold worker` subprocesses against the fake Slack API.

Every recipient gets every occurrence exactly once across SIGKILL mid-fan-out,
several workers on one PostgreSQL, 429 storms and permanent errors; the scheduler
leader's death hands leadership over without materialising anything twice.
Multi-process cases run on PostgreSQL (SQLite deployments run one process).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import pairwise
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlmodel import select

from app import create_worker_runtime
from bot.broadcasts.service import progress
from bot.db import Database, sync_url
from bot.models import Tenant, utcnow
from bot.worker import DeliveryWorker
from tests import databases
from tests.conftest import make_settings, scalar
from tests.fakes.slack_api import FakeSlack, RateLimit, Scripted
from tests.workers import (
    CAMPAIGN,
    Process,
    kill_all,
    member_ids,
    seed_tenant_and_members,
    send_now,
    start_scheduler,
    start_worker,
    status_counts,
    ticks,
    wait_for,
    wait_idle,
    worker_env,
)

pytestmark = pytest.mark.timeout(90)


class Observed:
    """Wraps the fake's chat.postMessage to note every answer: (time, channel, status, Retry-After)."""

    def __init__(self, fake: FakeSlack) -> None:
        self.fake = fake
        self.answers: list[tuple[float, str, int, float]] = []
        self.lock = threading.Lock()
        self.errors: dict[str, str] = {}  # channel → permanent Slack error to answer
        original = fake.api_chat_postMessage

        def observed(params: dict[str, Any]) -> Scripted:
            channel = str(params.get("channel", ""))
            if channel in self.errors:
                result = Scripted(200, {"ok": False, "error": self.errors[channel]})
            else:
                result = original(params)
            retry_after = float(result.headers.get("Retry-After", 0))
            with self.lock:
                self.answers.append((time.monotonic(), channel, result.status, retry_after))
            return result

        fake.api_chat_postMessage = observed  # type: ignore[method-assign]

    def by_channel(self) -> dict[str, list[tuple[float, int, float]]]:
        calls: dict[str, list[tuple[float, int, float]]] = defaultdict(list)
        with self.lock:
            for at, channel, status, retry_after in self.answers:
                calls[channel].append((at, status, retry_after))
        return calls


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as running:
        yield running


@pytest.fixture
def pg_url(postgres_database: str) -> str:
    databases.truncate_postgres(postgres_database)
    return postgres_database


def exactly_one_each(fake: FakeSlack, users: list[str]) -> None:
    received = Counter({channel: len(kept) for channel, kept in fake.messages.items()})
    duplicates = {channel: n for channel, n in received.items() if n > 1}
    misses = [uid for uid in users if received[fake.dm_channel(uid)] == 0]
    assert not duplicates, f"{len(duplicates)} members got more than one DM"
    assert not misses, f"{len(misses)} members got no DM"
    assert sum(received.values()) == len(users)


def logged(process: Process, event: str) -> int:
    return process.output().count(f'"event": "{event}"')


# --- (a) SIGKILL mid-fan-out ------------------------------------------------------


def test_worker_sigkilled_mid_fan_out_then_restarted_gives_everyone_exactly_one_dm(pg_url, fake, tmp_path):
    users = member_ids(300)
    seed_tenant_and_members(pg_url, users)
    fake.delay = 0.01
    env = worker_env(pg_url, fake.url, FIVEFOLD_SLACK_RATE_PER_SECOND=100, FIVEFOLD_SLACK_BURST=10,
                     FIVEFOLD_DELIVERY_LEASE_SECONDS=2)
    processes: list[Process] = []
    try:
        first = start_worker(env, tmp_path / "first.log")
        processes.append(first)
        wait_idle(first)
        send_now(pg_url)
        fake.wait_for("chat.postMessage", 75, timeout=30)  # mid-way through its second batch of 50
        first.kill()
        time.sleep(0.3)  # requests that reached the fake before the kill are answered
        posted_at_kill = sum(len(kept) for kept in fake.messages.values())
        recorded_at_kill = status_counts(pg_url).get("sent", 0)
        assert 75 <= posted_at_kill < len(users), "the kill did not land mid-fan-out"
        assert status_counts(pg_url).get("in_flight", 0) > 0  # the dead worker's leased rows

        second = start_worker(env, tmp_path / "second.log")
        processes.append(second)
        wait_for(lambda: status_counts(pg_url) == {"sent": len(users)}, timeout=45, message="all sent")
        time.sleep(0.3)
    finally:
        kill_all(processes)

    exactly_one_each(fake, users)
    assert len(fake.calls_to("chat.postMessage")) == len(users)  # not one post repeated
    # posts the dead worker made but never recorded were found in history, not re-sent
    assert logged(processes[1], "delivery.reconciled") == posted_at_kill - recorded_at_kill
    assert fake.calls_to("conversations.history")


# --- (b) three workers, one database ------------------------------------------------


def test_three_workers_on_one_postgresql_send_each_dm_exactly_once_and_share_the_work(pg_url, fake, tmp_path):
    users = member_ids(300)
    seed_tenant_and_members(pg_url, users)
    fake.delay = 0.01
    processes: list[Process] = []
    try:
        for index in range(3):  # each worker its own token, so the fake tells who posted what
            env = worker_env(pg_url, fake.url, SLACK_BOT_TOKEN=f"xoxb-worker-{index}",
                             FIVEFOLD_SLACK_RATE_PER_SECOND=60, FIVEFOLD_SLACK_BURST=5)
            processes.append(start_worker(env, tmp_path / f"worker-{index}.log"))
        for process in processes:
            wait_idle(process)
        send_now(pg_url)
        wait_for(lambda: status_counts(pg_url) == {"sent": len(users)}, timeout=45, message="all sent")
        time.sleep(0.3)
    finally:
        kill_all(processes)

    exactly_one_each(fake, users)
    posts = fake.calls_to("chat.postMessage")
    assert len(posts) == len(users)
    by_worker = Counter(call.token for call in posts)
    assert set(by_worker) == {"xoxb-worker-0", "xoxb-worker-1", "xoxb-worker-2"}, by_worker
    assert min(by_worker.values()) >= 20, by_worker


# --- (c) 429 storm --------------------------------------------------------------------


def test_workers_told_5x_the_real_rate_share_one_budget_few_429s_and_retries_honour_retry_after(
    pg_url, fake, tmp_path
):
    users = member_ids(200)
    seed_tenant_and_members(pg_url, users)
    observed = Observed(fake)
    fake.rate_limit = RateLimit(per_second=40, burst=5, per_channel=1.0)
    processes: list[Process] = []
    try:
        for index in range(2):  # two workers, allowed 5x the real rate: only the platform's answers can tell
            env = worker_env(pg_url, fake.url, FIVEFOLD_SLACK_RATE_PER_SECOND=200, FIVEFOLD_SLACK_BURST=20)
            processes.append(start_worker(env, tmp_path / f"worker-{index}.log"))
        for process in processes:
            wait_idle(process)
        send_now(pg_url)
        wait_for(lambda: status_counts(pg_url) == {"sent": len(users)}, timeout=50, message="all sent")
        time.sleep(0.3)
    finally:
        kill_all(processes)

    exactly_one_each(fake, users)
    limited = fake.rate_limit.limited
    assert 0 < limited <= 0.15 * len(users), f"{limited} 429s for {len(users)} messages"
    assert len(fake.calls_to("chat.postMessage")) == len(users) + limited
    for channel, calls in observed.by_channel().items():
        assert [status for _at, status, _ra in calls].count(200) == 1, channel
        for (at, status, retry_after), (next_at, _s, _r) in pairwise(calls):
            assert status == 429
            assert next_at - at >= retry_after, f"{channel} was retried before Retry-After"


def test_a_long_retry_after_reschedules_the_rows_instead_of_holding_the_worker(database_url, fake, sql):
    users = member_ids(5)
    seed_tenant_and_members(database_url, users)
    send_now(database_url)
    fake.script("chat.postMessage", 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "30"})
    settings = make_settings(database_url, fake.url, FIVEFOLD_SLACK_RATE_PER_SECOND=2.0, FIVEFOLD_SLACK_BURST=1)

    async def one_pass() -> tuple[float, int]:
        runtime = create_worker_runtime(settings)
        worker = DeliveryWorker(runtime.db, runtime.ports, poll=0.05)
        try:
            started = time.monotonic()
            claimed = await worker.run_once()
            elapsed = time.monotonic() - started
            assert await worker.run_once() == 0  # nothing is due: the rows wait in the database
            return elapsed, claimed
        finally:
            await runtime.ports["slack"].close()  # type: ignore[attr-defined]
            await runtime.db.close()

    before = utcnow()
    elapsed, claimed = asyncio.run(one_pass())
    assert 1 <= claimed <= len(users)  # the budget's burst (1) and what it allows within its short horizon
    assert elapsed < 3, f"the worker sat on its batch for {elapsed:.1f} s"
    assert len(fake.calls_to("chat.postMessage")) == 1  # nobody else called while Slack said wait
    assert status_counts(database_url) == {"pending": len(users)}
    with sql.connect() as conn:
        rows = conn.execute(text("select due_at, attempts, error from delivery")).all()
    throttled = 0
    for due_at, attempts, error in rows:
        due = due_at if isinstance(due_at, dt.datetime) else dt.datetime.fromisoformat(str(due_at))
        due = due.replace(tzinfo=dt.UTC) if due.tzinfo is None else due
        assert attempts == 0  # a 429 or a hand-back does not count as a try
        if error is not None:  # a claimed row: back in the outbox, due after Retry-After
            assert due >= before + dt.timedelta(seconds=25) or error == "budget"
            throttled += error == "ratelimited"
    assert throttled >= 1

    with sql.begin() as conn:  # Retry-After has passed (PostgreSQL: for every worker, in the shared pace rows)
        conn.execute(text("update delivery set due_at = :now"), {"now": utcnow()})
        conn.execute(text("update pace set paused_until = 0, tat = 0"))

    async def finish() -> None:
        runtime = create_worker_runtime(settings)
        worker = DeliveryWorker(runtime.db, runtime.ports, poll=0.05)
        deadline = time.monotonic() + 20
        try:  # at the budget's pace (2/s): a pass with no room claims nothing and says how long to wait
            while status_counts(database_url).get("pending") and time.monotonic() < deadline:
                await worker.run_once()
                await asyncio.sleep(worker.idle_for)
        finally:
            await runtime.ports["slack"].close()  # type: ignore[attr-defined]
            await runtime.db.close()

    asyncio.run(finish())
    exactly_one_each(fake, users)
    assert status_counts(database_url) == {"sent": len(users)}


# --- (d) permanent errors, deactivated members ----------------------------------------


def test_permanent_errors_fail_with_the_reason_once_and_deactivated_members_are_skipped(
    database_url, fake, sql, tmp_path
):
    users = member_ids(12)
    gone_user, inactive, missing_channel = users[0], users[1], users[2]
    deactivated = users[3:5]
    seed_tenant_and_members(database_url, users)
    observed = Observed(fake)
    observed.errors = {gone_user: "user_not_found", inactive: "account_inactive", missing_channel: "channel_not_found",
                       "C0ARCHIVE1": "is_archived"}
    occurrence = send_now(database_url)
    archived = send_now(database_url, {**CAMPAIGN, "audience": {"kind": "channel", "channel": "C0ARCHIVE1"}})
    with sql.begin() as conn:  # they leave the company after the occurrence was materialised
        conn.execute(text("update member set is_deleted = true where external_id in (:a, :b)"),
                     {"a": deactivated[0], "b": deactivated[1]})
    worker = start_worker(worker_env(database_url, fake.url), tmp_path / "worker.log")
    try:
        wait_for(lambda: not ({"pending", "in_flight"} & set(status_counts(database_url))), timeout=30,
                 message="every delivery settled")
        time.sleep(1.5)  # a retry (or a send to the deactivated) would show now
    finally:
        kill_all([worker])

    calls = Counter(call.params["channel"] for call in fake.calls_to("chat.postMessage"))
    for channel in (gone_user, inactive, missing_channel, "C0ARCHIVE1"):
        assert calls[channel] == 1, f"{channel} was retried"
    assert not (set(deactivated) & set(calls))
    healthy = [u for u in users if u not in {gone_user, inactive, missing_channel, *deactivated}]
    assert all(len(fake.messages[fake.dm_channel(u)]) == 1 for u in healthy)

    async def counts(occurrence_id: int) -> dict[str, Any]:
        db = Database(database_url)
        try:
            async with db.transaction() as session:
                return await progress(session, occurrence_id)
        finally:
            await db.close()

    result = asyncio.run(counts(occurrence))
    assert (result["sent"], result["failed"], result["skipped"], result["pending"]) == (len(healthy), 3, 2, 0)
    assert result["failures"] == {"user_not_found": 1, "account_inactive": 1, "channel_not_found": 1}
    assert asyncio.run(counts(archived))["failures"] == {"is_archived": 1}
    assert scalar(sql, "select count(*) from delivery where status = 'skipped' and error = 'member deactivated'") == 2
    assert scalar(sql, "select max(attempts) from delivery where status = 'failed'") == 1


# --- (e) scheduler leader failover --------------------------------------------------------


def test_scheduler_leader_killed_the_survivor_takes_over_and_each_slot_is_materialised_once(pg_url, tmp_path):
    users = member_ids(4)
    seed_tenant_and_members(pg_url, users)
    env = worker_env(pg_url, "http://127.0.0.1:9/api/")
    schedulers: list[Process] = []
    try:
        schedulers = [start_scheduler(env, tmp_path / f"scheduler-{i}.log", interval=0.2) for i in range(2)]
        wait_for(lambda: all(ticks(s) for s in schedulers), timeout=30, message="both schedulers ticking")
        leaders = [s for s in schedulers if any(t["leader"] for t in ticks(s))]
        assert len(leaders) == 1, "exactly one process leads"
        leader, survivor = leaders[0], next(s for s in schedulers if s is not leaders[0])

        first = add_recurring_campaign(pg_url, "before the failover")
        wait_for(  # reported by the leader's finished tick, not just committed
            lambda: sum(t["created"] for t in ticks(leader)) >= 10 and occurrences(pg_url, first) >= 10,
            timeout=15,
            message="the leader materialised",
        )
        assert not any(t["leader"] or t["created"] for t in ticks(survivor))

        leader.kill()
        second = add_recurring_campaign(pg_url, "after the failover")
        wait_for(lambda: occurrences(pg_url, second) >= 10, timeout=30, message="the survivor materialised")
        time.sleep(1.0)  # a few more ticks: nothing new, nothing twice
    finally:
        kill_all(schedulers)

    taken_over = ticks(survivor)
    assert any(t["leader"] for t in taken_over)
    by_leader, by_survivor = sum(t["created"] for t in ticks(leader)), sum(t["created"] for t in taken_over)
    assert by_survivor >= occurrences(pg_url, second)
    with engine_for(pg_url) as engine:
        # every slot materialised by exactly one of them, once
        assert by_leader + by_survivor == scalar(engine, "select count(*) from occurrence")
        assert scalar(engine, "select count(*) from (select broadcast_id, slot from occurrence "
                              "group by broadcast_id, slot having count(*) > 1) twice") == 0
        total = scalar(engine, "select count(*) from occurrence")
        assert scalar(engine, "select count(*) from delivery") == total * len(users)
        assert scalar(engine, "select count(distinct dedupe_key) from delivery") == total * len(users)


def add_recurring_campaign(url: str, name: str) -> int:
    """A campaign every minute, created three minutes ago (so there are slots to materialise now)."""
    from programs.campaigns.schemas import CampaignIn
    from programs.campaigns.service import create_campaign

    async def create() -> int:
        db = Database(url)
        try:
            async with db.transaction() as session:
                tenant = (await session.execute(select(Tenant))).scalars().one()
                data = CampaignIn.model_validate({**CAMPAIGN, "name": name, "schedule": {
                    "kind": "recurring", "cron": "* * * * *", "timezone": "UTC"}})
                campaign = await create_campaign(session, tenant, data)
                campaign.created_at = utcnow() - dt.timedelta(minutes=3)
                assert campaign.id is not None
                return campaign.id
        finally:
            await db.close()

    return asyncio.run(create())


@contextmanager
def engine_for(url: str) -> Iterator[Engine]:
    """A short-lived synchronous engine."""
    engine = create_engine(sync_url(url))
    try:
        yield engine
    finally:
        engine.dispose()


def occurrences(url: str, campaign_id: int) -> int:
    with engine_for(url) as engine:
        return int(scalar(engine, "select count(*) from occurrence where broadcast_id = :c", c=campaign_id))


# --- (e) three workers, no ceiling: one budget found from Slack's answers ---------------


def test_three_workers_without_a_ceiling_find_the_workspace_limit_together_and_stay_within_it(pg_url, fake, tmp_path):
    users = member_ids(360)
    seed_tenant_and_members(pg_url, users)
    observed = Observed(fake)
    fake.rate_limit = RateLimit(per_second=30, burst=10, per_channel=1.0)  # Fivefold is not told
    processes: list[Process] = []
    try:
        for index in range(3):
            env = worker_env(pg_url, fake.url, SLACK_BOT_TOKEN=f"xoxb-worker-{index}")
            del env["FIVEFOLD_SLACK_RATE_PER_SECOND"], env["FIVEFOLD_SLACK_BURST"]  # the defaults: no ceiling
            processes.append(start_worker(env, tmp_path / f"worker-{index}.log"))
        for process in processes:
            wait_idle(process)
        send_now(pg_url)
        wait_for(lambda: status_counts(pg_url) == {"sent": len(users)}, timeout=70, message="all sent")
    finally:
        kill_all(processes)

    exactly_one_each(fake, users)
    posts = fake.calls_to("chat.postMessage")
    assert len({call.token for call in posts}) == 3  # all three sent
    limited = fake.rate_limit.limited
    assert limited <= 0.1 * len(posts), f"{limited} of {len(posts)} calls answered 429"
    accepted = sorted(at for at, _channel, status, _ra in observed.answers if status == 200)
    per_second = Counter(int(at - accepted[0]) for at in accepted)
    steady = [per_second[second] for second in range(3, max(per_second))]  # after the start, before the tail
    assert max(steady) <= 30 + 10, f"together the workers sent {max(steady)} in one second"
    assert sum(steady) / len(steady) >= 0.6 * 30, f"only {sum(steady) / len(steady):.0f} a second found"
