"""Sending one tenant's claimed rows: reconcile, pace, post, and record what happened."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import structlog

from bot import outbox
from bot.db import Database
from bot.messages import Message
from bot.metrics import DELIVERIES
from bot.models import Delivery, DeliveryStatus, Tenant, utcnow
from bot.pacer import Budget, Pacer
from bot.platform import Outcome, PlatformPort, SendResult

log = structlog.get_logger(__name__)

MAX_ATTEMPTS = 8
SENDS_IN_FLIGHT = 8  # concurrent platform calls per tenant; the budget sets the pace
RECORD_MAX = 25  # results written per transaction at most …
RECORD_EVERY = 0.2  # … and none waits longer than this (seconds) for the next one
MIN_RETRY = 0.5  # seconds a throttled row waits at least


def backoff(attempts: int) -> dt.timedelta:
    """Exponential backoff with jitter: ~2 s, 4 s, 8 s … capped at 10 minutes."""
    seconds = min(600.0, 2.0**attempts)
    return dt.timedelta(seconds=seconds * random.uniform(0.8, 1.2))


@dataclass
class SendTally:
    """What a batch told about the tenant's budget: accepted sends, the longest Retry-After, held back."""

    accepted: int = 0
    retry_after: float | None = None
    saturated: bool = False


class BatchSender:
    """Sends one tenant's batch: reconciles rows that may have gone out, then paces the rest."""

    def __init__(self, tenant: Tenant, port: PlatformPort | None, pacer: Pacer, budget: Budget,
                 recorder: Recorder, tally: SendTally, may_send: Callable[[int], bool] = lambda _: True) -> None:
        self.tenant, self.port, self.pacer, self.budget = tenant, port, pacer, budget
        self.recorder, self.tally, self.may_send = recorder, tally, may_send
        self.in_flight = asyncio.Semaphore(SENDS_IN_FLIGHT)

    async def prepare(self, rows: list[Delivery], gone: set[int]) -> list[Awaitable[None]]:
        """Pace the batch: the posts of the rows that go now; the others are given back with the time
        they may go next (and skipped or unsendable rows recorded)."""
        ready: list[Delivery] = []
        for delivery in rows:
            if delivery.member_id in gone:
                await self.recorder.add(_mark(delivery, DeliveryStatus.SKIPPED, error="member deactivated"))
            elif self.port is None:
                await self.record(delivery, SendResult(Outcome.TRANSIENT, reason="platform not configured"))
            else:
                ready.append(delivery)
        if self.port is None or not ready:
            return []
        port = self.port
        unsent = [d for d in await asyncio.gather(*(self._reconciled(port, d) for d in ready)) if d is not None]
        plan = await self.pacer.plan(self.budget, [port.conversation_of(d) for d in unsent])
        self.tally.saturated = self.tally.saturated or plan.saturated
        started = time.monotonic()
        posts: list[Awaitable[None]] = []
        for delivery, slot in zip(unsent, plan.slots, strict=True):
            if slot.delay is None:
                await self.recorder.add(release(delivery, slot.retry_in, slot.reason))
            else:
                posts.append(self._post(port, delivery, started + slot.delay))
        return posts

    async def _reconciled(self, port: PlatformPort, delivery: Delivery) -> Delivery | None:
        """The row if it still has to be sent; None when an earlier attempt reached the platform.

        An earlier attempt may have gone out unrecorded: its worker died (lease ran out)
        or it ended ambiguously (timeout, 5xx). Attempts handed back unsent are refunded,
        so `attempts > 1` means exactly that.
        """
        if delivery.attempts <= 1:
            return delivery
        async with self.in_flight:
            try:
                found = await port.find_sent(self.tenant, delivery)
            except Exception as error:
                log.warning("delivery.reconcile_failed", delivery=delivery.id, error=repr(error))
                reason = f"reconcile failed: {type(error).__name__}"
                await self.record(delivery, SendResult(Outcome.TRANSIENT, reason=reason))
                return None
        if found:
            log.info("delivery.reconciled", delivery=delivery.id, message_id=found)
            await self.record(delivery, SendResult(Outcome.SENT, message_id=found))
            return None
        return delivery

    async def _post(self, port: PlatformPort, delivery: Delivery, at: float) -> None:
        """Post at the slot the pacer gave (within its horizon)."""
        await asyncio.sleep(max(0.0, at - time.monotonic()))
        async with self.in_flight:
            held = self.pacer.paused_for(self.budget)
            if held:  # a 429 came back since this slot was given: no call until Retry-After has passed
                await self.recorder.add(release(delivery, held, "ratelimited"))
                return
            if delivery.id is None or not self.may_send(delivery.id):  # the lease ran (nearly) out: leave it
                log.warning("delivery.lease_lost", delivery=delivery.id)
                return
            result = await port.send(self.tenant, delivery, Message.model_validate(delivery.message))
        if result.outcome is Outcome.SENT:
            self.tally.accepted += 1
        elif result.outcome is Outcome.RETRY_AFTER:
            self.pacer.pause(self.budget, result.retry_after)
            self.tally.retry_after = max(self.tally.retry_after or 0.0, result.retry_after)
        await self.record(delivery, result)

    async def record(self, delivery: Delivery, result: SendResult) -> None:
        """Queue what to record for a send result (see `result_mark`)."""
        await self.recorder.add(result_mark(self.tenant, delivery, result))


def result_mark(tenant: Tenant, delivery: Delivery, result: SendResult) -> outbox.Mark:
    """What to record for a send result: sent; 429 → due after Retry-After (attempt refunded);
    deferred (a busy conversation) → due at its slot (refunded); transient → backoff (until
    MAX_ATTEMPTS); permanent → failed with the reason."""
    DELIVERIES.labels(platform=tenant.platform, outcome=result.outcome.value).inc()
    if result.outcome not in (Outcome.SENT, Outcome.DEFERRED):
        log.info("delivery.not_sent", delivery=delivery.id, outcome=result.outcome, reason=result.reason)
    if result.outcome is Outcome.SENT:
        return _mark(delivery, DeliveryStatus.SENT, message_id=result.message_id)
    if result.outcome is Outcome.DEFERRED:
        return release(delivery, result.retry_after, result.reason)
    if result.outcome is Outcome.RETRY_AFTER:
        return release(delivery, max(result.retry_after, MIN_RETRY), result.reason)
    if result.outcome is Outcome.TRANSIENT and delivery.attempts < MAX_ATTEMPTS:
        return _mark(delivery, DeliveryStatus.PENDING, due_at=utcnow() + backoff(delivery.attempts),
                     error=result.reason)
    return _mark(delivery, DeliveryStatus.FAILED, error=result.reason)


def _mark(delivery: Delivery, status: DeliveryStatus, **values: Any) -> outbox.Mark:
    assert delivery.id is not None
    return outbox.Mark(delivery.id, status, **values)


def release(delivery: Delivery, after: float, reason: str | None) -> outbox.Mark:
    """Give a claimed delivery back unsent (due in `after` seconds; the attempt does not count)."""
    due = utcnow() + dt.timedelta(seconds=after)
    return _mark(delivery, DeliveryStatus.PENDING, due_at=due, error=reason, refund_attempt=True)


class Recorder:
    """Records what happened to claimed deliveries, a group per transaction.

    Flushes when RECORD_MAX results are waiting or the oldest has waited RECORD_EVERY
    seconds (so a slow, throttled worker still records each send at once). A crash
    before a flush leaves those rows in flight: they are reconciled, never re-sent blind.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self.pending: list[outbox.Mark] = []
        self.since = 0.0
        self.lock = asyncio.Lock()

    async def add(self, mark: outbox.Mark) -> None:
        """Queue one result; flush when the group is full or old enough."""
        if not self.pending:
            self.since = time.monotonic()
        self.pending.append(mark)
        if len(self.pending) >= RECORD_MAX or time.monotonic() - self.since >= RECORD_EVERY:
            await self.flush()

    async def flush(self) -> None:
        """Write every queued result in one transaction."""
        async with self.lock:
            marks, self.pending = self.pending, []
            if marks:
                async with self.db.transaction() as session:
                    await outbox.mark_many(session, marks)
