"""The delivery worker: claims due outbox rows and sends them within rate limits."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import structlog
from sqlmodel import col, select

from bot import outbox
from bot.db import Database
from bot.messages import Message
from bot.metrics import DELIVERIES
from bot.models import Delivery, DeliveryStatus, Member, Tenant, utcnow
from bot.platform import Outcome, PlatformPort, SendResult
from bot.throttle import Buckets

log = structlog.get_logger(__name__)

MAX_ATTEMPTS = 8
BATCH = 50
SENDS_IN_FLIGHT = 8  # concurrent platform calls per tenant; the token bucket sets the pace
MAX_HOLD = 1.0  # a Retry-After longer than this reschedules the worker's rows instead of waiting
RECORD_MAX = 25  # results written per transaction at most …
RECORD_EVERY = 0.2  # … and none waits longer than this (seconds) for the next one


def backoff(attempts: int) -> dt.timedelta:
    """Exponential backoff with jitter: ~2 s, 4 s, 8 s … capped at 10 minutes."""
    seconds = min(600.0, 2.0**attempts)
    return dt.timedelta(seconds=seconds * random.uniform(0.8, 1.2))


class DeliveryWorker:
    """Sends the outbox. Any number may run; each claimed row is leased to one."""

    def __init__(self, db: Database, ports: Mapping[str, PlatformPort], *, poll: float = 1.0,
                 lease: dt.timedelta = outbox.LEASE):
        self.db = db
        self.ports = ports
        self.poll = poll
        self.lease = lease
        self.buckets = Buckets()
        self.paused_until: dict[str, float] = {}  # bucket key → monotonic time the platform's 429 ends
        self.wakeup = asyncio.Event()

    def nudge(self) -> None:
        """Wake the worker now (new deliveries were committed in this process)."""
        self.wakeup.set()

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Send until `stop` is set; sleeps `poll` seconds (or until nudged) when idle."""
        while not stop.is_set():
            try:
                sent = await self.run_once()
            except Exception:
                log.exception("worker.batch_failed")
                sent = 0
            if sent == 0:
                self.wakeup.clear()
                waiters = [asyncio.ensure_future(self.wakeup.wait()), asyncio.ensure_future(stop.wait())]
                await asyncio.wait(waiters, timeout=self.poll, return_when=asyncio.FIRST_COMPLETED)
                for waiter in waiters:
                    waiter.cancel()

    async def run_once(self) -> int:
        """Claim one batch of due deliveries and send them; returns how many were claimed."""
        async with self.db.transaction() as session:
            reclaimed_ids = set(
                (
                    await session.execute(
                        select(Delivery.id).where(
                            Delivery.status == DeliveryStatus.IN_FLIGHT.value,
                            col(Delivery.lease_until) < utcnow(),
                        )
                    )
                ).scalars()
            )
            batch = list(await outbox.claim_due(session, now=utcnow(), limit=BATCH, lease=self.lease))
            tenant_ids = {d.tenant_id for d in batch}
            tenants = {
                t.id: t
                for t in (await session.execute(select(Tenant).where(Tenant.id.in_(tenant_ids)))).scalars()  # type: ignore[union-attr]
            }
        by_tenant: dict[int, list[Delivery]] = defaultdict(list)
        for delivery in batch:
            by_tenant[delivery.tenant_id].append(delivery)
        await asyncio.gather(
            *(
                self._send_all(tenants[tid], rows, reclaimed_ids)
                for tid, rows in by_tenant.items()
            )
        )
        return len(batch)

    async def _send_all(self, tenant: Tenant, rows: list[Delivery], reclaimed: set[int | None]) -> None:
        port = self.ports.get(tenant.platform)
        gone = await self._deactivated([d.member_id for d in rows if d.member_id is not None])
        in_flight = asyncio.Semaphore(SENDS_IN_FLIGHT)
        recorder = Recorder(self.db)

        async def one(delivery: Delivery) -> None:
            async with in_flight:
                if delivery.member_id in gone:
                    await recorder.add(_mark(delivery, DeliveryStatus.SKIPPED, error="member deactivated"))
                elif port is None:
                    unknown = SendResult(Outcome.TRANSIENT, reason="platform not configured")
                    await recorder.add(self._result(tenant, delivery, unknown))
                else:
                    await self._send_one(tenant, port, delivery, reclaimed, recorder)

        try:
            await asyncio.gather(*(one(delivery) for delivery in rows))
        finally:
            await recorder.flush()

    async def _send_one(self, tenant: Tenant, port: PlatformPort, delivery: Delivery,
                        reclaimed: set[int | None], recorder: Recorder) -> None:
        # An earlier attempt may have reached the platform without being recorded: its
        # worker died (lease expired) or it ended in an ambiguous error (timeout, 5xx).
        # Attempts refunded on 429 do not count, so `attempts > 1` means exactly that.
        if delivery.id in reclaimed or delivery.attempts > 1:
            try:
                found = await port.find_sent(tenant, delivery)
            except Exception as error:
                log.warning("delivery.reconcile_failed", delivery=delivery.id, error=repr(error))
                reason = f"reconcile failed: {type(error).__name__}"
                await recorder.add(self._result(tenant, delivery, SendResult(Outcome.TRANSIENT, reason=reason)))
                return
            if found:
                log.info("delivery.reconciled", delivery=delivery.id, message_id=found)
                await recorder.add(self._result(tenant, delivery, SendResult(Outcome.SENT, message_id=found)))
                return
        key = f"{tenant.platform}:{tenant.external_id}"
        rate, burst = port.tokens_per_second()
        bucket = self.buckets.get(key, rate, burst)
        if self._held(key) > MAX_HOLD:  # a long Retry-After: reschedule, do not sit on the row
            await recorder.add(_release(delivery, self._held(key), "ratelimited"))
            return
        wait = bucket.take()
        if wait:
            await asyncio.sleep(wait)
        held = self._held(key)  # a 429 may have come in while this one waited for its token
        if held > MAX_HOLD:
            await recorder.add(_release(delivery, held, "ratelimited"))
            return
        if held > 0:
            await asyncio.sleep(held)
        if delivery.lease_until is not None and utcnow() + self.lease / 4 > delivery.lease_until:
            # The lease is running out (long throttling): another worker may reclaim it soon.
            await recorder.add(_release(delivery, 0.0, delivery.error))
            return
        result = await port.send(tenant, delivery, Message.model_validate(delivery.message))
        if result.outcome is Outcome.DEFERRED:
            bucket.refund()
        if result.outcome is Outcome.RETRY_AFTER:
            bucket.pause(result.retry_after)
            until = time.monotonic() + result.retry_after
            self.paused_until[key] = max(self.paused_until.get(key, 0.0), until)
        await recorder.add(self._result(tenant, delivery, result))

    def _held(self, key: str) -> float:
        """Seconds the platform still asked us (Retry-After) not to call for `key`."""
        return max(0.0, self.paused_until.get(key, 0.0) - time.monotonic())

    async def _deactivated(self, member_ids: list[int]) -> set[int]:
        if not member_ids:
            return set()
        async with self.db.transaction() as session:
            query = select(Member.id).where(col(Member.id).in_(member_ids), col(Member.is_deleted))
            return {member_id for member_id in (await session.execute(query)).scalars() if member_id is not None}

    def _result(self, tenant: Tenant, delivery: Delivery, result: SendResult) -> outbox.Mark:
        """What to record for a send result: sent; 429 → due after Retry-After (attempt refunded);
        deferred (a busy conversation) → due at its slot (refunded); transient → backoff (until
        MAX_ATTEMPTS); permanent → failed with the reason."""
        DELIVERIES.labels(platform=tenant.platform, outcome=result.outcome.value).inc()
        if result.outcome not in (Outcome.SENT, Outcome.DEFERRED):
            log.info("delivery.not_sent", delivery=delivery.id, outcome=result.outcome, reason=result.reason)
        now = utcnow()
        if result.outcome is Outcome.SENT:
            return _mark(delivery, DeliveryStatus.SENT, message_id=result.message_id)
        if result.outcome is Outcome.DEFERRED:  # its conversation is busy: only this row waits
            due = now + dt.timedelta(seconds=result.retry_after)
            return _mark(delivery, DeliveryStatus.PENDING, due_at=due, error=result.reason, refund_attempt=True)
        if result.outcome is Outcome.RETRY_AFTER:
            due = now + dt.timedelta(seconds=max(result.retry_after, 1.0))
            return _mark(delivery, DeliveryStatus.PENDING, due_at=due, error=result.reason, refund_attempt=True)
        if result.outcome is Outcome.TRANSIENT and delivery.attempts < MAX_ATTEMPTS:
            return _mark(delivery, DeliveryStatus.PENDING, due_at=now + backoff(delivery.attempts),
                         error=result.reason)
        return _mark(delivery, DeliveryStatus.FAILED, error=result.reason)


def _mark(delivery: Delivery, status: DeliveryStatus, **values: Any) -> outbox.Mark:
    assert delivery.id is not None
    return outbox.Mark(delivery.id, status, **values)


def _release(delivery: Delivery, after: float, reason: str | None) -> outbox.Mark:
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
