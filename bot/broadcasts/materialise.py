"""Turning a broadcast slot into an occurrence and one outbox delivery per recipient.

Everything is keyed: the occurrence by (broadcast, slot), each delivery by
(occurrence, member), so a second firing, a retry or a second scheduler inserts
nothing new.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

import holidays
from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot import wakeup
from bot.broadcasts.audience import Roles, resolve_members
from bot.broadcasts.content import message_for
from bot.broadcasts.models import Broadcast, Occurrence
from bot.broadcasts.schedule import Slot
from bot.broadcasts.schemas import Audience, Channel, Recurring, Schedule
from bot.context import zone_of
from bot.db import dialect_of, upsert_insert
from bot.models import Delivery, DeliveryStatus, Lane, Member, TargetKind, Tenant, utcnow

CHUNK = 1000
AUDIENCE: TypeAdapter[Audience] = TypeAdapter(Audience)
SCHEDULE: TypeAdapter[Schedule] = TypeAdapter(Schedule)


@cache
def _holidays(country: str, year: int) -> Any:
    try:
        return holidays.country_holidays(country.upper(), years=year)
    except NotImplementedError:
        return {}


def skip_reason(schedule: Schedule, member: Member, day: dt.date) -> str | None:
    """Why `member` does not get this slot on their local `day` (None: they do)."""
    if not isinstance(schedule, Recurring):
        return None
    if schedule.skip_weekends and day.weekday() >= 5:
        return "weekend"
    if schedule.skip_holidays and member.country and day in _holidays(member.country, day.year):
        return "public holiday"
    return None


def _insert(session: AsyncSession) -> Any:
    return upsert_insert(dialect_of(session))


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


async def materialise(
    session: AsyncSession, broadcast: Broadcast, tenant: Tenant, slot: Slot, *, roles: Roles,
    now: dt.datetime | None = None, schedule: Schedule | None = None,
) -> Occurrence | None:
    """Create the slot's occurrence and deliveries; None when it already exists.

    `roles` resolves a role audience; `schedule` is the broadcast's parsed schedule when the caller has it already.
    """
    now = now or utcnow()
    assert broadcast.id is not None and tenant.id is not None
    audience = AUDIENCE.validate_python(broadcast.audience)
    members = await resolve_members(session, tenant.id, audience, now, roles)
    schedule = schedule or SCHEDULE.validate_python(broadcast.schedule)
    rows = _delivery_rows(broadcast, tenant, slot, audience, schedule, members, now)
    first_due = min((row["due_at"] for row in rows), default=slot.instant or now)
    inserted = await session.execute(
        _insert(session)(Occurrence).values(
            tenant_id=tenant.id, broadcast_id=broadcast.id, slot=slot.key, first_due_at=first_due,
            recipients=len(rows), materialised_at=now, created_at=now,
        ).on_conflict_do_nothing(index_elements=["broadcast_id", "slot"]).returning(col(Occurrence.id))
    )
    occurrence_id = inserted.scalar()
    if occurrence_id is None:
        return None
    for row in rows:
        row["occurrence_id"] = occurrence_id
        row["dedupe_key"] = row["dedupe_key"].format(occurrence=occurrence_id)
    for chunk in _chunks(rows):
        statement = _insert(session)(Delivery).values(chunk)
        await session.execute(statement.on_conflict_do_nothing(index_elements=["dedupe_key"]))
    if rows:
        await wakeup.announce(session)  # workers in other processes wake when this commits
    return await session.get(Occurrence, occurrence_id)


def _delivery_rows(
    broadcast: Broadcast, tenant: Tenant, slot: Slot, audience: Audience, schedule: Schedule,
    members: Sequence[Member], now: dt.datetime,
) -> list[dict[str, Any]]:
    base = {"tenant_id": tenant.id, "attempts": 0, "created_at": now, "lane": Lane.BROADCAST.value}
    if isinstance(audience, Channel):
        due = slot.due_for(zone_of(Member(tenant_id=0, external_id=""), tenant))
        message = message_for(broadcast.message, tenant.default_locale).model_dump(mode="json")
        return [{**base, "dedupe_key": "occ:{occurrence}:channel", "target_kind": TargetKind.CHANNEL.value,
                 "target_id": audience.channel, "member_id": None, "locale": tenant.default_locale,
                 "message": message, "status": DeliveryStatus.PENDING.value, "due_at": max(due, now), "error": None}]
    rows = []
    messages: dict[str, dict[str, Any]] = {}
    for member in members:
        zone = zone_of(member, tenant)
        due = slot.due_for(zone)
        if slot.instant is None and due < broadcast.created_at:
            continue  # this recipient's local time had passed before the broadcast existed
        locale = member.locale or tenant.default_locale
        if locale not in messages:
            messages[locale] = message_for(broadcast.message, locale).model_dump(mode="json")
        reason = skip_reason(schedule, member, slot.local_date_for(zone))
        rows.append({
            **base, "dedupe_key": f"occ:{{occurrence}}:{member.id}", "target_kind": TargetKind.MEMBER.value,
            "target_id": member.external_id, "member_id": member.id, "locale": locale, "message": messages[locale],
            "status": (DeliveryStatus.SKIPPED if reason else DeliveryStatus.PENDING).value,
            "due_at": due, "error": reason,
        })
    return rows


async def active_broadcasts(session: AsyncSession) -> Sequence[tuple[Broadcast, Tenant]]:
    """Every active broadcast with its tenant."""
    result = await session.execute(
        select(Broadcast, Tenant).join(Tenant, col(Tenant.id) == col(Broadcast.tenant_id)).where(col(Broadcast.active))
    )
    return [(broadcast, tenant) for broadcast, tenant in result]


async def existing_slots(session: AsyncSession, wanted: Sequence[tuple[int, str]]) -> set[tuple[int, str]]:
    """Which of the (broadcast id, slot key) pairs already have an occurrence: one query."""
    if not wanted:
        return set()
    broadcast_ids = sorted({broadcast_id for broadcast_id, _ in wanted})
    slots = sorted({slot for _, slot in wanted})
    query = select(Occurrence.broadcast_id, Occurrence.slot).where(
        col(Occurrence.broadcast_id).in_(broadcast_ids), col(Occurrence.slot).in_(slots)
    )
    return {(broadcast_id, slot) for broadcast_id, slot in (await session.execute(query)).all()}
