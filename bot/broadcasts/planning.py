"""One scheduler pass over the campaigns: which slots are missing, and each made in isolation.

A tick costs nothing for slots already materialised: each schedule is parsed
once, and the existing (campaign, slot) pairs are found in one query before any
audience is resolved. A campaign that cannot be materialised (a stored value the
database refuses, a schedule that no longer parses …) is logged, marked with its
error for its owner to see in the API, and skipped: the others go on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import structlog
from sqlalchemy import update
from sqlmodel import col

from bot.broadcasts.materialise import SCHEDULE, active_campaigns, existing_slots, materialise
from bot.broadcasts.models import Campaign
from bot.broadcasts.schedule import Slot, slots_between
from bot.broadcasts.schemas import Schedule
from bot.db import Database
from bot.models import Tenant

log = structlog.get_logger(__name__)
LEAD = dt.timedelta(minutes=10)  # materialise this long before the first recipient is due
CATCH_UP = dt.timedelta(days=2)  # after downtime, slots older than this are not sent
RETRY_FAILED = dt.timedelta(minutes=10)  # a failed campaign is tried again this often (or when edited)
ERROR_CHARS = 500

Planned = tuple[Campaign, Tenant, Schedule, list[Slot]]


async def materialise_due(db: Database, now: dt.datetime) -> int:
    """Materialise every active campaign's missing slots up to `now + LEAD`; returns how many."""
    async with db.transaction() as session:
        campaigns = [pair for pair in await active_campaigns(session) if not _resting(pair[0], now)]
    planned: list[Planned] = []
    for campaign, tenant in campaigns:
        plan = _plan(campaign, tenant, now)
        if isinstance(plan, BaseException):
            await record_failure(db, campaign.id, plan, now)
        else:
            planned.append(plan)
    wanted = [(campaign.id, slot.key) for campaign, _, _, slots in planned for slot in slots if campaign.id]
    async with db.transaction() as session:
        existing = await existing_slots(session, wanted)
    created = 0
    for campaign, tenant, schedule, slots in planned:
        missing = [slot for slot in slots if (campaign.id, slot.key) not in existing]
        created += await _materialise_campaign(db, campaign, tenant, schedule, missing, now)
    return created


def _resting(campaign: Campaign, now: dt.datetime) -> bool:
    """True for a campaign that failed recently and was not edited since (it waits RETRY_FAILED)."""
    if campaign.failed_at is None:
        return False
    edited = campaign.updated_at is not None and campaign.updated_at > campaign.failed_at
    return not edited and now - campaign.failed_at < RETRY_FAILED


def _plan(campaign: Campaign, tenant: Tenant, now: dt.datetime) -> Planned | Exception:
    """The campaign's parsed schedule and its slots in the window (or why they cannot be had)."""
    try:
        schedule = SCHEDULE.validate_python(campaign.schedule)
        start = max(campaign.created_at, now - CATCH_UP)
        return campaign, tenant, schedule, slots_between(schedule, start, now + LEAD)
    except Exception as error:  # a stored schedule that no longer parses is this campaign's problem
        log.exception("campaign.schedule_invalid", campaign=campaign.id, tenant=tenant.id)
        return error


async def _materialise_campaign(
    db: Database, campaign: Campaign, tenant: Tenant, schedule: Schedule, slots: Sequence[Slot], now: dt.datetime
) -> int:
    created = 0
    for slot in slots:
        try:
            async with db.transaction() as session:
                if await materialise(session, campaign, tenant, slot, now=now, schedule=schedule):
                    created += 1
                    log.info("campaign.materialised", campaign=campaign.id, slot=slot.key)
        except Exception as error:  # isolate it: the other campaigns and tenants go on
            log.exception("campaign.materialise_failed", campaign=campaign.id, tenant=tenant.id, slot=slot.key)
            await record_failure(db, campaign.id, error, now)
            return created
    if campaign.last_error is not None:
        await record_failure(db, campaign.id, None, now)
    return created


async def record_failure(db: Database, campaign_id: int | None, error: BaseException | None, now: dt.datetime) -> None:
    """Mark a campaign as failing with `error` (None: it works again)."""
    text = None if error is None else _describe(error)
    async with db.transaction() as session:
        await session.execute(
            update(Campaign).where(col(Campaign.id) == campaign_id)
            .values(last_error=text, failed_at=None if error is None else now)
        )


def _describe(error: BaseException) -> str:
    """The error's first line, short and storable (no NUL: the database would refuse it again)."""
    cause = getattr(error, "orig", None) or error
    first = (str(cause).strip().splitlines() or [""])[0]
    return f"{type(cause).__name__}: {first}".replace("\x00", "\\0")[:ERROR_CHARS]
