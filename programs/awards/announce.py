"""Announcing a cycle's results once voting has closed: the channel and each winner."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.i18n import translator
from bot.models import Lane, Member, TargetKind, Tenant
from bot.outbox import Outgoing, enqueue_all
from programs.awards import cards
from programs.awards.models import AwardCategory, AwardCycle
from programs.awards.service import categories_of, standings, winners
from programs.channels.service import programme_settings


async def results_of(session: AsyncSession, cycle: AwardCycle) -> list[tuple[AwardCategory, list[tuple[Member, int]]]]:
    """Each category with its standings."""
    assert cycle.id is not None
    return [(category, await standings(session, category.id))  # type: ignore[arg-type]
            for category in await categories_of(session, cycle.id)]


async def announce(session: AsyncSession, tenant: Tenant, cycle: AwardCycle, now: dt.datetime) -> bool:
    """Announce the winners once (False when already announced)."""
    assert tenant.id is not None
    claimed = await session.execute(
        update(AwardCycle).where(col(AwardCycle.id) == cycle.id, col(AwardCycle.announced_at).is_(None))
        .values(announced_at=now).returning(col(AwardCycle.id)))
    if claimed.first() is None:
        return False
    results = [(category, winners(rows)) for category, rows in await results_of(session, cycle)]
    t = translator(tenant.default_locale)
    outgoing = []
    channel = (await programme_settings(session, tenant.id)).announcement_channel
    if channel:
        outgoing.append(Outgoing(tenant_id=tenant.id, dedupe_key=f"award:{cycle.id}:announce", lane=Lane.BROADCAST,
                                 target_kind=TargetKind.CHANNEL, target_id=channel, locale=t.locale,
                                 message=cards.results_message(t, cycle, results)))
    for category, people in results:
        for member in people:
            locale = member.locale or tenant.default_locale
            outgoing.append(Outgoing(
                tenant_id=tenant.id, dedupe_key=f"award:{cycle.id}:{category.id}:winner:{member.id}",
                target_kind=TargetKind.MEMBER, target_id=member.external_id, member_id=member.id, locale=locale,
                message=cards.winner_dm(translator(locale), cycle, category), lane=Lane.BROADCAST))
    await enqueue_all(session, outgoing)
    return True


async def awards_tick(session: AsyncSession, now: dt.datetime) -> int:
    """Announce every cycle whose voting has closed; returns how many were announced."""
    due = (await session.execute(select(AwardCycle, Tenant).join(Tenant, col(Tenant.id) == AwardCycle.tenant_id)
                                 .where(col(AwardCycle.voting_close) <= now,
                                        col(AwardCycle.announced_at).is_(None)))).all()
    return sum([await announce(session, tenant, cycle, now) for cycle, tenant in due])
