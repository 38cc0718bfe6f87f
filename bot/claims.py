"""Claiming the outbox fairly: per tenant, interactive first, leases renewed while a worker lives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import bindparam, case, literal, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.db import dialect_of
from bot.models import Delivery, DeliveryStatus, Lane, UTCDateTime
from bot.outbox import INTERACTIVE_LEASE, LEASE

# The tenants with due pending rows, one index probe each (a "skip scan" over ix_delivery_tenant_due):
# never a scan of a long backlog.
_DUE_TENANTS = text("""
WITH RECURSIVE due(tenant_id) AS (
    SELECT (SELECT MIN(tenant_id) FROM delivery WHERE status = 'pending' AND due_at <= :now)
    UNION ALL
    SELECT (SELECT MIN(d.tenant_id) FROM delivery d
            WHERE d.status = 'pending' AND d.due_at <= :now AND d.tenant_id > due.tenant_id)
    FROM due WHERE due.tenant_id IS NOT NULL
)
SELECT tenant_id FROM due WHERE tenant_id IS NOT NULL
""").bindparams(bindparam("now", type_=UTCDateTime()))


async def due_tenants(session: AsyncSession, *, now: dt.datetime) -> list[int]:
    """Ids of the tenants that have deliveries due now."""
    return [int(tenant_id) for tenant_id in (await session.execute(_DUE_TENANTS, {"now": now})).scalars()]


async def claim_for_tenant(
    session: AsyncSession, tenant_id: int, *, now: dt.datetime, limit: int, lease: dt.timedelta = LEASE
) -> Sequence[Delivery]:
    """Lease up to `limit` of one tenant's due deliveries: interactive first, then the oldest.

    Claiming per tenant is what makes the outbox fair: one tenant's backlog never
    stands in front of another's rows. Rows another worker is claiming are skipped
    (SKIP LOCKED on PostgreSQL). Interactive rows get the shorter lease (`lane_lease`).
    """
    rows: list[Delivery] = []
    for lane in (Lane.INTERACTIVE.value, Lane.BROADCAST.value):
        if len(rows) >= limit:
            break
        # one lane at a time, in ix_delivery_tenant_due's order: an index range read, never a sort of the
        # backlog (ordering both lanes in one query sorted all 30,000 rows of a broadcast, 28 ms a claim)
        query = (
            select(Delivery)
            .where(col(Delivery.status) == DeliveryStatus.PENDING.value, col(Delivery.tenant_id) == tenant_id,
                   col(Delivery.lane) == lane, col(Delivery.due_at) <= now)
            .order_by(col(Delivery.due_at))
            .limit(limit - len(rows))
        )
        if dialect_of(session) == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows.extend((await session.execute(query)).scalars().all())
    for delivery in rows:
        delivery.status = DeliveryStatus.IN_FLIGHT.value
        delivery.lease_until = now + lane_lease(delivery.lane, lease)
        delivery.attempts += 1
    return rows


async def reclaim_expired(session: AsyncSession, *, now: dt.datetime) -> int:
    """Put deliveries whose worker died (lease run out) back in the queue, due now; returns how many.

    Their attempt stays counted, so the next claim reconciles before re-sending.
    """
    result = await session.execute(
        update(Delivery)
        .where(col(Delivery.status) == DeliveryStatus.IN_FLIGHT.value, col(Delivery.lease_until) < now)
        .values(status=DeliveryStatus.PENDING.value, lease_until=None, due_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def lane_lease(lane: str, lease: dt.timedelta = LEASE) -> dt.timedelta:
    """How long a claimed row of `lane` is leased: interactive rows at most INTERACTIVE_LEASE."""
    return min(lease, INTERACTIVE_LEASE) if lane == Lane.INTERACTIVE.value else lease


async def renew_leases(session: AsyncSession, delivery_ids: Sequence[int], *, now: dt.datetime,
                       lease: dt.timedelta = LEASE) -> None:
    """Extend the leases of deliveries this worker still holds (its heartbeat), each by its lane's lease."""
    if delivery_ids:
        interactive = col(Delivery.lane) == Lane.INTERACTIVE.value
        short, long = now + lane_lease(Lane.INTERACTIVE.value, lease), now + lease
        until = case((interactive, literal(short, UTCDateTime())), else_=literal(long, UTCDateTime()))
        await session.execute(
            update(Delivery)
            .where(col(Delivery.id).in_(delivery_ids), col(Delivery.status) == DeliveryStatus.IN_FLIGHT.value)
            .values(lease_until=until)
        )
