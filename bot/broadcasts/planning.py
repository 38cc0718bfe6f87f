"""One scheduler pass over the broadcasts: which slots are missing, and each made in isolation.

A tick costs nothing for slots already materialised: each schedule is parsed
once, and the existing (broadcast, slot) pairs are found in one query before any
audience is resolved. A broadcast that cannot be materialised (a stored value the
database refuses, a schedule that no longer parses …) is logged, marked with its
error for its owner to see in the API, and skipped: the others go on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import structlog
from sqlalchemy import update
from sqlmodel import col

from bot.broadcasts.audience import Roles
from bot.broadcasts.materialise import SCHEDULE, active_broadcasts, existing_slots, materialise
from bot.broadcasts.models import Broadcast
from bot.broadcasts.schedule import Slot, slots_between
from bot.broadcasts.schemas import Schedule
from bot.db import Database
from bot.models import Tenant

log = structlog.get_logger(__name__)
LEAD = dt.timedelta(minutes=10)  # materialise this long before the first recipient is due
CATCH_UP = dt.timedelta(days=2)  # after downtime, slots older than this are not sent
RETRY_FAILED = dt.timedelta(minutes=10)  # a failed broadcast is tried again this often (or when edited)
ERROR_CHARS = 500

Planned = tuple[Broadcast, Tenant, Schedule, list[Slot]]


async def materialise_due(db: Database, now: dt.datetime, roles: Roles) -> int:
    """Materialise every active broadcast's missing slots up to `now + LEAD`; returns how many."""
    async with db.transaction() as session:
        broadcasts = [pair for pair in await active_broadcasts(session) if not _resting(pair[0], now)]
    planned: list[Planned] = []
    for broadcast, tenant in broadcasts:
        plan = _plan(broadcast, tenant, now)
        if isinstance(plan, BaseException):
            await record_failure(db, broadcast.id, plan, now)
        else:
            planned.append(plan)
    wanted = [(broadcast.id, slot.key) for broadcast, _, _, slots in planned for slot in slots if broadcast.id]
    async with db.transaction() as session:
        existing = await existing_slots(session, wanted)
    created = 0
    for broadcast, tenant, schedule, slots in planned:
        missing = [slot for slot in slots if (broadcast.id, slot.key) not in existing]
        created += await _materialise_broadcast(db, broadcast, tenant, schedule, missing, now, roles=roles)
    return created


def _resting(broadcast: Broadcast, now: dt.datetime) -> bool:
    """True for a broadcast that failed recently and was not edited since (it waits RETRY_FAILED)."""
    if broadcast.failed_at is None:
        return False
    edited = broadcast.updated_at is not None and broadcast.updated_at > broadcast.failed_at
    return not edited and now - broadcast.failed_at < RETRY_FAILED


def _plan(broadcast: Broadcast, tenant: Tenant, now: dt.datetime) -> Planned | Exception:
    """The broadcast's parsed schedule and its slots in the window (or why they cannot be had)."""
    try:
        schedule = SCHEDULE.validate_python(broadcast.schedule)
        start = max(broadcast.created_at, now - CATCH_UP)
        return broadcast, tenant, schedule, slots_between(schedule, start, now + LEAD)
    except Exception as error:  # a stored schedule that no longer parses is this broadcast's problem
        log.exception("broadcast.schedule_invalid", broadcast=broadcast.id, tenant=tenant.id)
        return error


async def _materialise_broadcast(
    db: Database, broadcast: Broadcast, tenant: Tenant, schedule: Schedule, slots: Sequence[Slot], now: dt.datetime,
    *, roles: Roles,
) -> int:
    created = 0
    for slot in slots:
        try:
            async with db.transaction() as session:
                if await materialise(session, broadcast, tenant, slot, roles=roles, now=now, schedule=schedule):
                    created += 1
                    log.info("broadcast.materialised", broadcast=broadcast.id, slot=slot.key)
        except Exception as error:  # isolate it: the other broadcasts and tenants go on
            log.exception("broadcast.materialise_failed", broadcast=broadcast.id, tenant=tenant.id, slot=slot.key)
            await record_failure(db, broadcast.id, error, now)
            return created
    if broadcast.last_error is not None:
        await record_failure(db, broadcast.id, None, now)
    return created


async def record_failure(db: Database, broadcast_id: int | None, error: BaseException | None, now: dt.datetime) -> None:
    """Mark a broadcast as failing with `error` (None: it works again)."""
    text = None if error is None else _describe(error)
    async with db.transaction() as session:
        await session.execute(
            update(Broadcast).where(col(Broadcast.id) == broadcast_id)
            .values(last_error=text, failed_at=None if error is None else now)
        )


def _describe(error: BaseException) -> str:
    """The error's first line, short and storable (no NUL: the database would refuse it again)."""
    cause = getattr(error, "orig", None) or error
    first = (str(cause).strip().splitlines() or [""])[0]
    return f"{type(cause).__name__}: {first}".replace("\x00", "\\0")[:ERROR_CHARS]
