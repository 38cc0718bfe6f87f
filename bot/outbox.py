"""The outbox: every message a program sends is a delivery row, sent later by a worker."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, String, bindparam, func, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Executable
from sqlmodel import col, select

from bot import wakeup
from bot.db import dialect_of, upsert_insert
from bot.messages import Message
from bot.models import Delivery, DeliveryStatus, Lane, TargetKind, UTCDateTime, utcnow

# How long a claimed delivery stays with its worker by default; a live worker renews
# the leases it holds (a heartbeat), so only a dead worker's rows run out, and another
# worker reclaims them (reconciling with the platform before re-sending).
# FIVEFOLD_DELIVERY_LEASE_SECONDS sets it (Settings.delivery_lease_seconds).
LEASE = dt.timedelta(seconds=15)
# Interactive rows (a person is waiting) are leased this long at most, and the heartbeat renews
# every third of it: a dead worker's kudos DM is back in the queue within seconds, not the lease.
INTERACTIVE_LEASE = dt.timedelta(seconds=3)


@dataclass(frozen=True)
class Outgoing:
    """One message to put in the outbox; `dedupe_key` makes adding it idempotent."""

    tenant_id: int
    dedupe_key: str
    target_kind: TargetKind
    target_id: str
    message: Message
    locale: str = "en"
    member_id: int | None = None
    due_at: dt.datetime | None = None
    lane: Lane = Lane.INTERACTIVE

    def row(self, now: dt.datetime) -> dict[str, Any]:
        """The delivery row's column values."""
        return {
            "tenant_id": self.tenant_id, "dedupe_key": self.dedupe_key, "target_kind": self.target_kind.value,
            "target_id": self.target_id, "member_id": self.member_id, "locale": self.locale,
            "lane": self.lane.value, "message": self.message.model_dump(mode="json"),
            "status": DeliveryStatus.PENDING.value, "attempts": 0, "due_at": self.due_at or now, "created_at": now,
        }


async def enqueue_all(session: AsyncSession, outgoing: Sequence[Outgoing]) -> int:
    """Add deliveries in one statement, skipping keys that exist; returns how many were added.

    Runs inside the caller's transaction, so the messages are sent if and only if
    the change that caused them commits.
    """
    if not outgoing:
        return 0
    now = utcnow()
    # executemany: SQLAlchemy batches the rows into one INSERT and reuses its compiled form
    result = await session.execute(_enqueue_statement(dialect_of(session)), [item.row(now) for item in outgoing])
    added = len(result.all())
    if added:
        await wakeup.announce(session)  # workers in other processes wake when this commits
    return added


@functools.cache
def _enqueue_statement(dialect: str) -> Executable:
    table = Delivery.__table__  # type: ignore[attr-defined]
    return (  # type: ignore[no-any-return]
        upsert_insert(dialect)(table)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(table.c.id)
    )


async def enqueue(
    session: AsyncSession,
    *,
    tenant_id: int,
    dedupe_key: str,
    target_kind: TargetKind,
    target_id: str,
    message: Message,
    locale: str = "en",
    member_id: int | None = None,
    due_at: dt.datetime | None = None,
    lane: Lane = Lane.INTERACTIVE,
) -> bool:
    """Add one delivery unless one with `dedupe_key` exists; True when added."""
    item = Outgoing(tenant_id, dedupe_key, target_kind, target_id, message, locale, member_id, due_at, lane)
    return await enqueue_all(session, [item]) == 1


@dataclass(frozen=True)
class Mark:
    """What happened to one leased delivery (recorded by `mark_many`)."""

    delivery_id: int
    status: DeliveryStatus
    message_id: str | None = None
    error: str | None = None
    due_at: dt.datetime | None = None
    refund_attempt: bool = False


_TABLE = Delivery.__table__  # type: ignore[attr-defined]
_MARK_MANY = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("m_id"))
    .values(
        status=bindparam("m_status", type_=String()),
        lease_until=None,
        error=bindparam("m_error", type_=String()),
        sent_at=func.coalesce(bindparam("m_sent_at", type_=UTCDateTime()), _TABLE.c.sent_at),
        platform_message_id=func.coalesce(bindparam("m_message_id", type_=String()), _TABLE.c.platform_message_id),
        due_at=func.coalesce(bindparam("m_due_at", type_=UTCDateTime()), _TABLE.c.due_at),
        attempts=_TABLE.c.attempts - bindparam("m_refund", type_=Integer()),
    )
)


async def mark_many(session: AsyncSession, marks: Sequence[Mark]) -> None:
    """Record the outcome of many deliveries in one statement (executemany); what a busy worker records with."""
    if not marks:
        return
    now = utcnow()
    params = [
        {
            "m_id": m.delivery_id, "m_status": m.status.value, "m_error": m.error,
            "m_sent_at": now if m.status is DeliveryStatus.SENT else None,
            "m_message_id": m.message_id if m.status is DeliveryStatus.SENT else None,
            "m_due_at": m.due_at, "m_refund": 1 if m.refund_attempt else 0,
        }
        for m in marks
    ]
    await session.execute(_MARK_MANY, params)


async def status_counts(session: AsyncSession, *, dedupe_prefix: str) -> dict[str, int]:
    """How many deliveries whose key starts with `dedupe_prefix` are in each status."""
    rows = await session.execute(
        select(Delivery.status, func.count())
        .where(col(Delivery.dedupe_key).startswith(dedupe_prefix))
        .group_by(Delivery.status)
    )
    return {status: count for status, count in rows.tuples()}
