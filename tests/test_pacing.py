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
from bot import throttle
from bot.db import Database
from bot.messages import Message, Text, compose
from bot.models import TargetKind
from bot.outbox import Outgoing, enqueue_all
from bot.pace_store import MemoryPaceStore, PaceState
from bot.pacer import Budget, Pacer, Slot
from bot.throttle import PaceProfile, windows_of
from bot.worker import DeliveryWorker
from tests.conftest import make_settings
from tests.fakes.slack_api import FakeSlack, RateLimit
from tests.workers import member_ids, seed_tenant_and_members, status_counts

CHANNEL = "C0KUDOS"


def slots_for(conversations: list[str], windows: tuple[tuple[float, int], ...]) -> list[Slot]:
    pacer = Pacer(MemoryPaceStore())
    budget = Budget(1, "slack:T1", PaceProfile(start=1000.0, ceiling=1000.0, burst=100), windows_of(windows))
    return asyncio.run(pacer.plan(budget, conversations)).slots


def test_a_burst_into_one_conversation_gets_successive_slots_and_other_conversations_go_on():
    slots = slots_for(["a"] * 5 + ["b"], ((1.0, 1),))
    assert slots[0].delay == pytest.approx(0.0, abs=0.01) and slots[-1].delay == pytest.approx(0.0, abs=0.01)
    waits = [slot.retry_in for slot in slots[1:5]]
    assert all(slot.delay is None and slot.reason == "conversation_limit" for slot in slots[1:5])
    assert 0.9 <= waits[0] <= 1.0
    # a burst is spread a second apart, not all told "in a second"
    assert all(0.99 <= later - earlier <= 1.01 for earlier, later in pairwise(waits))


def test_rows_given_back_by_a_later_batch_queue_behind_the_earlier_ones():
    """A long queue for one channel: each row comes back at its own slot, not all of them at the next one
    (they were claimed and given back again, every one, each time the channel took a message)."""
    pacer = Pacer(MemoryPaceStore())
    budget = Budget(1, "slack:T1", PaceProfile(start=1000.0, ceiling=1000.0, burst=100), windows_of(((1.0, 1),)))
    first = asyncio.run(pacer.plan(budget, ["a"] * 4)).slots
    second = asyncio.run(pacer.plan(budget, ["a"] * 3)).slots
    assert first[0].delay is not None and all(slot.delay is None for slot in first[1:] + second)
    waits = [slot.retry_in for slot in first[1:] + second]
    assert all(0.99 <= later - earlier <= 1.01 for earlier, later in pairwise(waits)), waits
    assert waits[-1] == pytest.approx(6.0, abs=0.05)  # the 7th message to the channel: six seconds on


def test_the_strictest_window_sets_the_spacing_so_no_window_is_ever_exceeded():
    slots = slots_for(["a"] * 3, ((1.0, 7), (30.0, 20)))
    assert slots[0].delay is not None and [slot.delay for slot in slots[1:]] == [None, None]
    assert slots[1].retry_in == pytest.approx(1.5, abs=0.01)  # 20 in 30 s: one every 1.5 s
    assert slots[2].retry_in - slots[1].retry_in == pytest.approx(1.5, abs=0.01)


def test_the_rate_grows_while_accepted_and_is_cut_once_per_429():
    profile = PaceProfile(start=5.0, ceiling=100.0, burst=5)
    state = PaceState("t:1")
    for second in range(20):  # slow start: doubling each second while the budget is what holds messages back
        throttle.adapt(state, profile, float(second), accepted=int(throttle.rate_of(state, profile)), saturated=True,
                       retry_after=None)
    assert throttle.rate_of(state, profile) == 100.0  # never above the ceiling
    throttle.adapt(state, profile, 30.0, accepted=0, saturated=True, retry_after=2.0)
    throttle.adapt(state, profile, 30.5, accepted=0, saturated=True, retry_after=2.0)  # a second worker's 429
    assert throttle.rate_of(state, profile) == pytest.approx(100.0 * throttle.FIRST_CUT)  # one cut, not two
    assert throttle.tenant_earliest(state, profile, 30.5) == pytest.approx(32.5)  # nothing goes before Retry-After
    found = 100.0 * throttle.FIRST_CUT
    throttle.adapt(state, profile, 40.0, accepted=int(found), saturated=True, retry_after=None)
    assert throttle.rate_of(state, profile) == pytest.approx(found + throttle.INCREASE)  # additive after a cut
    throttle.adapt(state, profile, 41.0, accepted=3, saturated=False, retry_after=None)
    assert throttle.rate_of(state, profile) == pytest.approx(found + throttle.INCREASE)  # a trickle earns nothing
    throttle.adapt(state, profile, 50.0, accepted=0, saturated=True, retry_after=0.1)
    assert throttle.rate_of(state, profile) == pytest.approx((found + throttle.INCREASE) * throttle.CUT)


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
