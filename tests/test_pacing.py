"""Per-conversation pacing: a busy channel's messages wait in the outbox, nobody else's do.

The worker runs in-process against the fake Slack Web API, which enforces Slack's
~1 message per second per channel (answering 429 when it is exceeded).
"""

from __future__ import annotations

import asyncio
import time
from itertools import pairwise

import pytest
from sqlalchemy import text

from app import create_worker_runtime
from bot.db import Database
from bot.messages import Message, Text, compose
from bot.models import TargetKind
from bot.outbox import Outgoing, enqueue_all
from bot.throttle import ConversationLimiter
from bot.worker import DeliveryWorker
from tests.conftest import make_settings
from tests.fakes.slack_api import FakeSlack, RateLimit
from tests.workers import member_ids, seed_tenant_and_members, status_counts

CHANNEL = "C0KUDOS"


def test_messages_told_to_wait_get_successive_slots_and_other_conversations_go_on():
    limiter = ConversationLimiter(((1.0, 1),))
    assert limiter.acquire("a") == 0.0
    slots = [limiter.acquire("a") for _ in range(4)]
    assert 0.0 < slots[0] <= 1.0
    # a burst is spread a second apart, not all told "in a second"
    assert all(0.95 <= later - earlier <= 1.05 for earlier, later in pairwise(slots))
    assert limiter.acquire("b") == 0.0


def test_the_window_that_is_full_sets_the_spacing():
    limiter = ConversationLimiter(((1.0, 7), (3600.0, 1800)))
    assert [limiter.acquire("a") for _ in range(7)] == [0.0] * 7
    first, second = limiter.acquire("a"), limiter.acquire("a")
    assert 0.0 < first <= 1.0
    assert second - first == pytest.approx(1.0 / 7, abs=0.01)


def message(text_: str) -> Message:
    return Message(fallback=text_, blocks=[Text(spans=compose(text_))])


async def enqueue_burst(database_url: str, cards: int, users: list[str]) -> None:
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            tenant = (await session.execute(text("select id from tenant"))).scalar_one()
            outgoing = [
                Outgoing(tenant_id=tenant, dedupe_key=f"card:{n}", target_kind=TargetKind.CHANNEL,
                         target_id=CHANNEL, locale="en", message=message(f"card {n}"))
                for n in range(cards)
            ] + [
                Outgoing(tenant_id=tenant, dedupe_key=f"dm:{uid}", target_kind=TargetKind.MEMBER,
                         target_id=uid, locale="en", message=message(f"dm {uid}"))
                for uid in users
            ]
            assert await enqueue_all(session, outgoing) == cards + len(users)
    finally:
        await db.close()


def test_a_burst_into_one_channel_does_not_hold_up_the_direct_messages(database_url):
    users = member_ids(20)
    cards = 6
    seed_tenant_and_members(database_url, users)
    asyncio.run(enqueue_burst(database_url, cards, users))

    with FakeSlack() as fake:
        fake.rate_limit = RateLimit(per_second=1000.0, burst=1000, per_channel=1.0)
        settings = make_settings(database_url, fake.url, FIVEFOLD_SLACK_RATE_PER_SECOND=200.0,
                                 FIVEFOLD_SLACK_BURST=50)
        sent_at: dict[str, float] = {}

        async def run() -> float:
            runtime = create_worker_runtime(settings)
            worker = DeliveryWorker(runtime.db, runtime.ports, poll=0.05)
            started = time.monotonic()
            try:
                first = await worker.run_once()
                assert first == cards + len(users)
                for channel in list(fake.messages):
                    sent_at.setdefault(channel, time.monotonic() - started)
                assert await worker.run_once() == 0, "the deferred cards came back at once"
                deadline = time.monotonic() + 30
                while status_counts(database_url).get("pending") and time.monotonic() < deadline:
                    await worker.run_once()
                    await asyncio.sleep(0.05)
                return time.monotonic() - started
            finally:
                await runtime.ports["slack"].close()  # type: ignore[attr-defined]
                await runtime.db.close()

        elapsed = asyncio.run(run())
        assert status_counts(database_url) == {"sent": cards + len(users)}
        # every DM went out in the first pass, beside the one card its channel allowed then
        assert all(fake.dm_channel(uid) in sent_at for uid in users)
        assert sum(1 for channel in sent_at if channel == CHANNEL) == 1
        assert [len(fake.messages[fake.dm_channel(uid)]) for uid in users] == [1] * len(users)
        assert len(fake.messages[CHANNEL]) == cards
        assert fake.rate_limit.limited == 0, "Slack's per-channel limit was hit"
        assert cards - 1 <= elapsed < cards + 5  # the cards a second apart, no faster
