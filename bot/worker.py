"""The delivery worker: claims due outbox rows fairly and sends them within shared budgets.

It never sleeps on a row it cannot send yet: a row whose tenant budget, conversation
or Retry-After does not allow it within `pacer.HORIZON` goes back to the outbox with
the time it may go next, and the worker moves on to rows it can send.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
from collections.abc import Awaitable, Mapping

import structlog
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot import claims, outbox
from bot.db import Database
from bot.models import Delivery, Lane, Member, Tenant, utcnow
from bot.pace_store import pace_store
from bot.pacer import Budget, Pacer
from bot.platform import PlatformPort
from bot.sending import BatchSender, Recorder, SendTally
from bot.throttle import PaceProfile, windows_of
from bot.wakeup import Listener

log = structlog.get_logger(__name__)

BATCH = 100  # rows claimed per pass at most (shared between the tenants with due rows)
PIPELINE = 3  # batches posting at once while the next is claimed
MIN_IDLE = 0.02  # seconds an idle pass waits at least
FORGET_EVERY = 300.0  # seconds between clean-ups of idle conversations' pacing state
UNKNOWN_PLATFORM = PaceProfile(start=1.0, ceiling=1.0, burst=1)


class DeliveryWorker:
    """Sends the outbox. Any number may run; each claimed row is leased to one."""

    def __init__(self, db: Database, ports: Mapping[str, PlatformPort], *, poll: float = 1.0,
                 lease: dt.timedelta = outbox.LEASE, pacer: Pacer | None = None):
        self.db = db
        self.ports = ports
        self.poll = poll
        self.lease = lease
        self.pacer = pacer or Pacer(pace_store(db))
        # the rows this worker holds (their leases are renewed): id → (lease seconds, when it runs out,
        # monotonic, as this worker knows it)
        self.held: dict[int, tuple[float, float]] = {}
        self.idle_for = poll  # how long the last pass says the worker may wait before the next
        self.wakeup = asyncio.Event()
        # PostgreSQL: other processes' commits wake this worker (see `bot.wakeup`)
        self.listener = (Listener(db.url, self.nudge, connect_timeout=db.timeouts.connect)
                         if db.dialect == "postgresql" else None)

    def nudge(self) -> None:
        """Wake the worker now (new deliveries were committed in this process)."""
        self.wakeup.set()

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Send until `stop` is set; waits (until nudged) when nothing can be sent now."""
        heartbeat = asyncio.ensure_future(self._heartbeat(stop))
        listening = asyncio.ensure_future(self._listen(stop))
        posting: set[asyncio.Future[None]] = set()
        try:
            while not stop.is_set():
                try:
                    claimed, job = await self.claim_batch()
                except Exception:
                    log.exception("worker.batch_failed")
                    claimed, job, self.idle_for = 0, asyncio.sleep(0), self.poll
                if claimed:  # post this batch while the next is claimed, a few batches at most
                    task = asyncio.ensure_future(_logged(job))
                    posting.add(task)
                    task.add_done_callback(posting.discard)
                    if len(posting) >= PIPELINE:
                        await asyncio.wait(posting, return_when=asyncio.FIRST_COMPLETED)
                    await asyncio.sleep(0)  # requests first: yield to the event loop between batches
                    continue
                await job
                self.wakeup.clear()
                waiters = [asyncio.ensure_future(self.wakeup.wait()), asyncio.ensure_future(stop.wait())]
                idle = min(self.poll, max(MIN_IDLE, self.idle_for))  # rows others hold are not worth a spin
                await asyncio.wait(waiters, timeout=idle, return_when=asyncio.FIRST_COMPLETED)
                for waiter in waiters:
                    waiter.cancel()
        finally:
            await asyncio.gather(*posting, return_exceptions=True)
            for task in (heartbeat, listening):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _listen(self, stop: asyncio.Event) -> None:
        if self.listener is not None:
            await self.listener.run(stop)

    async def _heartbeat(self, stop: asyncio.Event) -> None:
        """Renew the held rows' leases every third of the shortest lease; now and then forget idle
        conversations."""
        every = max(0.2, claims.lane_lease(Lane.INTERACTIVE.value, self.lease).total_seconds() / 3)
        forgotten = time.monotonic()
        while not stop.is_set():
            await asyncio.sleep(every)
            try:
                await self.renew()
                if time.monotonic() - forgotten > FORGET_EVERY:
                    await self.pacer.forget_idle_conversations()
                    forgotten = time.monotonic()
            except Exception:
                log.exception("worker.heartbeat_failed")

    async def renew(self) -> None:
        """Renew the leases of every row this worker holds (each by its lane's lease)."""
        ids, started = sorted(self.held), time.monotonic()
        if not ids:
            return
        async with self.db.transaction() as session:
            await claims.renew_leases(session, ids, now=utcnow(), lease=self.lease)
        for delivery_id in ids:
            if (held := self.held.get(delivery_id)) is not None:
                self.held[delivery_id] = (held[0], started + held[0])

    def may_send(self, delivery_id: int) -> bool:
        """True while the row's lease has at least a quarter left: a worker stalled past its heartbeat
        sends nothing another worker may already have reclaimed (that one reconciles, then sends)."""
        held = self.held.get(delivery_id)
        return held is not None and held[1] - time.monotonic() > held[0] / 4

    async def run_once(self) -> int:
        """Claim one fair batch of the rows that can be sent now and send them; returns how many were claimed."""
        claimed, posting = await self.claim_batch()
        stop = asyncio.Event()
        heartbeat = asyncio.ensure_future(self._heartbeat(stop))  # a slow platform must not outlast the leases
        try:
            await posting
        finally:
            stop.set()
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
        return claimed

    async def claim_batch(self) -> tuple[int, Awaitable[None]]:
        """Claim one fair batch and pace it; returns how many were claimed and the posting still to await.

        The budget is taken before this returns, so the next batch can be claimed while this one posts.
        """
        await self._after_requests()
        now, started = utcnow(), time.monotonic()
        async with self.db.transaction() as session:
            await claims.reclaim_expired(session, now=now)
            tenant_ids = await claims.due_tenants(session, now=now)
            tenants = await _tenants(session, tenant_ids)
        if not tenants:
            self.idle_for = self.poll
            return 0, asyncio.sleep(0)
        budgets = {tenant_id: self._budget(tenant) for tenant_id, tenant in tenants.items()}
        room, self.idle_for = await self.pacer.room(list(budgets.values()), most=BATCH)
        share = max(1, BATCH // len(tenants))
        async with self.db.transaction() as session:
            batch = {
                tenant_id: list(await claims.claim_for_tenant(
                    session, tenant_id, now=now, limit=min(share, room[tenant_id]), lease=self.lease))
                for tenant_id in tenants
            }
        claimed = [row.id for rows in batch.values() for row in rows if row.id is not None]
        for row in (row for rows in batch.values() for row in rows):
            if row.id is not None:
                lease = claims.lane_lease(row.lane, self.lease).total_seconds()
                self.held[row.id] = (lease, started + lease)
        try:
            # a tenant whose claim its budget cut short has a backlog: the budget holds it back
            posting = [await self._prepare_tenant(tenants[tid], budgets[tid], rows, room[tid] < share)
                       for tid, rows in batch.items() if rows]
        except BaseException:
            for delivery_id in claimed:
                self.held.pop(delivery_id, None)
            raise
        return len(claimed), self._finish(posting, claimed)

    async def _finish(self, posting: list[Awaitable[None]], claimed: list[int]) -> None:
        try:
            await asyncio.gather(*posting)
        finally:
            for delivery_id in claimed:
                self.held.pop(delivery_id, None)

    def _budget(self, tenant: Tenant) -> Budget:
        port = self.ports.get(tenant.platform)
        assert tenant.id is not None
        label = f"{tenant.platform}:{tenant.external_id}"
        if port is None:
            return Budget(tenant.id, label, UNKNOWN_PLATFORM, windows_of(((1.0, 1),)))
        return Budget(tenant.id, label, port.pace_profile(), windows_of(port.conversation_limits()))

    async def _prepare_tenant(self, tenant: Tenant, budget: Budget, rows: list[Delivery],
                              held_back: bool) -> Awaitable[None]:
        """Reconcile and pace one tenant's rows now; returns the posting of those that go."""
        recorder = Recorder(self.db)
        tally = SendTally(saturated=held_back)
        sender = BatchSender(tenant, self.ports.get(tenant.platform), self.pacer, budget, recorder, tally,
                             self.may_send)
        try:
            gone = await self._deactivated([d.member_id for d in rows if d.member_id is not None])
            posts = await sender.prepare(rows, gone)
        except BaseException:
            await recorder.flush()
            raise
        return self._post_tenant(budget, posts, recorder, tally)

    async def _post_tenant(self, budget: Budget, posts: list[Awaitable[None]], recorder: Recorder,
                           tally: SendTally) -> None:
        try:
            await asyncio.gather(*posts)
        finally:
            await recorder.flush()
        if tally.accepted or tally.retry_after is not None:
            await self.pacer.report(budget, accepted=tally.accepted, saturated=tally.saturated,
                                    retry_after=tally.retry_after)

    async def _deactivated(self, member_ids: list[int]) -> set[int]:
        if not member_ids:
            return set()
        async with self.db.transaction() as session:
            query = select(Member.id).where(col(Member.id).in_(member_ids), col(Member.is_deleted))
            return {member_id for member_id in (await session.execute(query)).scalars() if member_id is not None}

    async def _after_requests(self, most: float = 0.05) -> None:
        """On SQLite's one shared connection, let a request that holds it finish first (at most `most` s)."""
        if self.db.dialect != "sqlite":
            return
        pool = self.db.engine.pool
        deadline = time.monotonic() + most
        while getattr(pool, "checkedout", lambda: 0)() and time.monotonic() < deadline:  # noqa: ASYNC110 - a pool has no event
            await asyncio.sleep(0.001)


async def _tenants(session: AsyncSession, tenant_ids: list[int]) -> dict[int, Tenant]:
    if not tenant_ids:
        return {}
    rows = (await session.execute(select(Tenant).where(col(Tenant.id).in_(tenant_ids)))).scalars()
    return {tenant.id: tenant for tenant in rows if tenant.id is not None}


async def _logged(job: Awaitable[None]) -> None:
    try:
        await job
    except Exception:
        log.exception("worker.batch_failed")
