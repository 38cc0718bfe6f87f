"""KPIs Fivefold computes itself, over the 30 days before a moment (the survey ones: `programs.kpis.surveys`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.models import Member
from programs.ambassadors.models import Ambassador, Status
from programs.reward.models import Kudos
from programs.stories.models import Story, StoryStatus
from programs.voice.models import Feedback
from programs.voice.nps import nps_of

MONTH = dt.timedelta(days=30)


async def _count(session: AsyncSession, query) -> int:  # type: ignore[no-untyped-def]
    return int((await session.execute(query)).scalar_one())


async def kudos_per_active_member(session: AsyncSession, tenant_id: int, end: dt.datetime) -> float | None:
    """Kudos given in the 30 days before `end`, per active human member (one decimal)."""
    members = await _count(session, select(func.count()).select_from(Member).where(
        Member.tenant_id == tenant_id, col(Member.is_bot).is_(False), col(Member.is_deleted).is_(False)))
    kudos = await _count(session, select(func.count()).select_from(Kudos).where(
        Kudos.tenant_id == tenant_id, col(Kudos.created_at) >= end - MONTH, col(Kudos.created_at) < end))
    return round(kudos / members, 1) if members else None


async def active_ambassadors(session: AsyncSession, tenant_id: int, end: dt.datetime) -> float | None:
    """Ambassadors approved before `end` who still hold the role."""
    return float(await _count(session, select(func.count()).select_from(Ambassador).where(
        Ambassador.tenant_id == tenant_id, Ambassador.status == Status.APPROVED.value,
        col(Ambassador.decided_at) < end)))


async def stories_published(session: AsyncSession, tenant_id: int, end: dt.datetime) -> float | None:
    """Stories approved in the 30 days before `end`."""
    return float(await _count(session, select(func.count()).select_from(Story).where(
        Story.tenant_id == tenant_id, Story.status == StoryStatus.APPROVED.value,
        col(Story.decided_at) >= end - MONTH, col(Story.decided_at) < end)))


async def customer_nps(session: AsyncSession, tenant_id: int, end: dt.datetime) -> float | None:
    """Customer NPS over the answers received in the 30 days before `end` (all teams)."""
    scores = (await session.execute(select(Feedback.score).where(
        Feedback.tenant_id == tenant_id, col(Feedback.received_on) > (end - MONTH).date(),
        col(Feedback.received_on) <= end.date()))).scalars().all()
    return nps_of(scores).nps


COMPUTED: dict[str, Callable[[AsyncSession, int, dt.datetime], Awaitable[float | None]]] = {
    "kudos_per_active_member": kudos_per_active_member,
    "active_ambassadors": active_ambassadors,
    "stories_published": stories_published,
    "customer_nps": customer_nps,
}
