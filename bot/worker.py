"""The delivery worker: claims due outbox rows and sends them within rate limits."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections import defaultdict
from collections.abc import Mapping

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


def backoff(attempts: int) -> dt.timedelta:
    """Exponential backoff with jitter: ~2 s, 4 s, 8 s … capped at 10 minutes."""
    seconds = min(600.0, 2.0**attempts)
    return dt.timedelta(seconds=seconds * random.uniform(0.8, 1.2))


class DeliveryWorker:
    """Sends the outbox. Any number may run; each claimed row is leased to one."""

    def __init__(self, db: Database, ports: Mapping[str, PlatformPort], *, poll: float = 1.0):
        self.db = db
        self.ports = ports
        self.poll = poll
        self.buckets = Buckets()
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
            batch = list(await outbox.claim_due(session, now=utcnow(), limit=BATCH))
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
        for delivery in rows:
            if delivery.member_id in gone:
                await self._skip(delivery, "member deactivated")
                continue
            if port is None:
                await self._record(tenant, delivery, SendResult(Outcome.TRANSIENT, reason="platform not configured"))
                continue
            if delivery.id in reclaimed:
                found = await port.find_sent(tenant, delivery)
                if found:
                    await self._record(tenant, delivery, SendResult(Outcome.SENT, message_id=found))
                    continue
            rate, burst = port.tokens_per_second()
            bucket = self.buckets.get(f"{tenant.platform}:{tenant.external_id}", rate, burst)
            wait = bucket.take()
            if wait:
                await asyncio.sleep(wait)
            result = await port.send(tenant, delivery, Message.model_validate(delivery.message))
            if result.outcome is Outcome.RETRY_AFTER:
                bucket.pause(result.retry_after)
            await self._record(tenant, delivery, result)

    async def _deactivated(self, member_ids: list[int]) -> set[int]:
        if not member_ids:
            return set()
        async with self.db.transaction() as session:
            query = select(Member.id).where(col(Member.id).in_(member_ids), col(Member.is_deleted))
            return {member_id for member_id in (await session.execute(query)).scalars() if member_id is not None}

    async def _skip(self, delivery: Delivery, reason: str) -> None:
        assert delivery.id is not None
        async with self.db.transaction() as session:
            await outbox.mark(session, delivery.id, DeliveryStatus.SKIPPED, error=reason)

    async def _record(self, tenant: Tenant, delivery: Delivery, result: SendResult) -> None:
        assert delivery.id is not None
        DELIVERIES.labels(platform=tenant.platform, outcome=result.outcome.value).inc()
        now = utcnow()
        async with self.db.transaction() as session:
            if result.outcome is Outcome.SENT:
                await outbox.mark(session, delivery.id, DeliveryStatus.SENT, message_id=result.message_id)
            elif result.outcome is Outcome.RETRY_AFTER:
                due = now + dt.timedelta(seconds=max(result.retry_after, 1.0))
                await outbox.mark(
                    session, delivery.id, DeliveryStatus.PENDING, due_at=due,
                    error=result.reason, refund_attempt=True,
                )
            elif result.outcome is Outcome.TRANSIENT and delivery.attempts < MAX_ATTEMPTS:
                await outbox.mark(
                    session, delivery.id, DeliveryStatus.PENDING,
                    due_at=now + backoff(delivery.attempts), error=result.reason,
                )
            else:
                await outbox.mark(session, delivery.id, DeliveryStatus.FAILED, error=result.reason)
        if result.outcome is not Outcome.SENT:
            log.info("delivery.not_sent", delivery=delivery.id, outcome=result.outcome, reason=result.reason)
