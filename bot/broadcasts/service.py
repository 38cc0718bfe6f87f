"""Broadcast operations the programs' APIs, consoles and commands share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.broadcasts.audience import Roles
from bot.broadcasts.materialise import materialise
from bot.broadcasts.models import Broadcast, Occurrence
from bot.broadcasts.schedule import Slot
from bot.broadcasts.schemas import Audience, MessageIn, Schedule
from bot.models import Delivery, DeliveryStatus, Tenant, utcnow


def _json(value: BaseModel) -> dict[str, Any]:
    return value.model_dump(mode="json")


async def create_broadcast(
    session: AsyncSession, tenant: Tenant, *, name: str, label: str, message: MessageIn, audience: Audience,
    schedule: Schedule,
) -> Broadcast:
    """Store a new, active broadcast; `label` is the owning program's short tag for it."""
    assert tenant.id is not None
    broadcast = Broadcast(tenant_id=tenant.id, name=name, label=label, message=_json(message),
                          audience=_json(audience), schedule=_json(schedule), created_at=utcnow())
    session.add(broadcast)
    await session.flush()
    return broadcast


async def update_broadcast(
    session: AsyncSession, broadcast: Broadcast, *, name: str | None = None, label: str | None = None,
    message: MessageIn | None = None, audience: Audience | None = None, schedule: Schedule | None = None,
    active: bool | None = None,
) -> Broadcast:
    """Change the fields given (None leaves a field as it is)."""
    for field, value in (("name", name), ("label", label), ("active", active)):
        if value is not None:
            setattr(broadcast, field, value)
    for field, part in (("message", message), ("audience", audience), ("schedule", schedule)):
        if part is not None:
            setattr(broadcast, field, _json(part))
    broadcast.updated_at = utcnow()
    session.add(broadcast)
    await session.flush()
    return broadcast


async def deactivate_broadcast(session: AsyncSession, broadcast: Broadcast) -> int:
    """Stop a broadcast; its deliveries not yet sent are skipped. Returns how many."""
    broadcast.active = False
    broadcast.updated_at = utcnow()
    occurrences = select(Occurrence.id).where(Occurrence.broadcast_id == broadcast.id)
    result = await session.execute(
        update(Delivery)
        .where(col(Delivery.occurrence_id).in_(occurrences), col(Delivery.status) == DeliveryStatus.PENDING.value)
        .values(status=DeliveryStatus.SKIPPED.value, error="broadcast stopped")
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def send_now(session: AsyncSession, broadcast: Broadcast, tenant: Tenant, *, roles: Roles) -> Occurrence:
    """An extra occurrence of `broadcast`, due right away."""
    now = utcnow()
    slot = Slot(key=f"now:{now.isoformat(timespec='microseconds')}", instant=now)
    occurrence = await materialise(session, broadcast, tenant, slot, roles=roles, now=now)
    assert occurrence is not None
    return occurrence


async def broadcasts_of(session: AsyncSession, tenant_id: int) -> Sequence[Broadcast]:
    """The tenant's broadcasts, newest first."""
    query = select(Broadcast).where(Broadcast.tenant_id == tenant_id).order_by(col(Broadcast.id).desc())
    return (await session.execute(query)).scalars().all()


async def progress(session: AsyncSession, occurrence_id: int) -> dict[str, Any]:
    """Pending / sent / failed / skipped counts of an occurrence, and why deliveries failed."""
    counts = {status.value: 0 for status in DeliveryStatus}
    rows = await session.execute(
        select(Delivery.status, func.count())
        .where(Delivery.occurrence_id == occurrence_id)
        .group_by(col(Delivery.status))
    )
    for status, count in rows:
        counts[status] = int(count)
    reasons = await session.execute(
        select(Delivery.error, func.count())
        .where(Delivery.occurrence_id == occurrence_id, col(Delivery.status) == DeliveryStatus.FAILED.value)
        .group_by(col(Delivery.error))
    )
    pending = counts.pop(DeliveryStatus.IN_FLIGHT.value) + counts[DeliveryStatus.PENDING.value]
    counts[DeliveryStatus.PENDING.value] = pending
    return {**counts, "total": sum(counts.values()),
            "failures": {str(reason): int(n) for reason, n in reasons}}
