"""Numbers about kudos: a member's own stats and the monthly leaderboard."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from bot.context import Context
from bot.models import Member
from programs.reward.kudos import given_today, local_day
from programs.reward.models import Kudos, KudosTag, KudosValue


@dataclass(frozen=True)
class MemberStats:
    """A member's kudos figures."""

    given: int
    received: int
    given_this_month: int
    received_this_month: int
    allowance_left: int
    received_by_value: list[tuple[str, int]]


def month_start(now: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The first instant of `now`'s month in `zone`, as UTC."""
    local = now.astimezone(zone)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0).astimezone(dt.UTC)


async def _count(session: AsyncSession, *conditions: object) -> int:
    result = await session.execute(select(func.count()).select_from(Kudos).where(*conditions))  # type: ignore[arg-type]
    return int(result.scalar_one())


async def member_stats(ctx: Context, member: Member) -> MemberStats:
    """Given/received (all time and this month), allowance left and received by value."""
    since = month_start(ctx.now, ctx.member_zone(member))
    session = ctx.session
    by_value = await session.execute(
        select(KudosValue.slug, func.count())
        .join(KudosTag, KudosTag.value_id == KudosValue.id)  # type: ignore[arg-type]
        .join(Kudos, Kudos.id == KudosTag.kudos_id)  # type: ignore[arg-type]
        .where(Kudos.receiver_id == member.id)
        .group_by(KudosValue.slug)
        .order_by(func.count().desc(), KudosValue.slug)
    )
    left = ctx.limits.kudos_daily_allowance - await given_today(session, member, local_day(ctx))
    return MemberStats(
        given=await _count(session, Kudos.giver_id == member.id),
        received=await _count(session, Kudos.receiver_id == member.id),
        given_this_month=await _count(session, Kudos.giver_id == member.id, Kudos.created_at >= since),
        received_this_month=await _count(
            session, Kudos.receiver_id == member.id, Kudos.created_at >= since
        ),
        allowance_left=max(left, 0),
        received_by_value=[(slug, int(count)) for slug, count in by_value],
    )


@dataclass(frozen=True)
class Leaderboard:
    """Top receivers this month, overall and per value."""

    overall: list[tuple[Member, int]]
    by_value: list[tuple[str, list[tuple[Member, int]]]]


async def _top(ctx: Context, since: dt.datetime, value_id: int | None, limit: int) -> list[tuple[Member, int]]:
    count = func.count(func.distinct(Kudos.id)).label("n")
    query = (
        select(Member, count)
        .join(Kudos, Kudos.receiver_id == Member.id)  # type: ignore[arg-type]
        .where(Kudos.tenant_id == ctx.tenant.id, Kudos.created_at >= since)
        .group_by(Member.id)  # type: ignore[arg-type]
        .order_by(count.desc(), Member.display_name)
        .limit(limit)
    )
    if value_id is not None:
        query = query.join(KudosTag, KudosTag.kudos_id == Kudos.id).where(KudosTag.value_id == value_id)  # type: ignore[arg-type]
    return [(member, int(n)) for member, n in (await ctx.session.execute(query))]


async def leaderboard(ctx: Context, *, limit: int = 10, per_value: int = 3) -> Leaderboard:
    """This month's leaderboard in the tenant's time zone."""
    since = month_start(ctx.now, ZoneInfo(ctx.tenant.default_timezone))
    values = (await ctx.session.execute(
        select(KudosValue).where(KudosValue.tenant_id == ctx.tenant.id, KudosValue.active)
        .order_by(KudosValue.position)  # type: ignore[arg-type]
    )).scalars().all()
    by_value = []
    for value in values:
        assert value.id is not None
        top = await _top(ctx, since, value.id, per_value)
        if top:
            by_value.append((value.slug, top))
    return Leaderboard(overall=await _top(ctx, since, None, limit), by_value=by_value)
