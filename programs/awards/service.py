"""Award rules: windows, one nomination per nominator and nominee, one vote per category, never for yourself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from bot.i18n import translator
from bot.models import Member, Tenant
from programs.awards.models import AwardCategory, AwardCycle, Nomination, Vote
from programs.awards.schemas import AwardIn
from programs.reward.values import tenant_values


def _utc(local: dt.datetime, zone: str) -> dt.datetime:
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)


async def create_cycle(session: AsyncSession, tenant: Tenant, data: AwardIn) -> AwardCycle:
    """Store a cycle and its categories (default: each company value and "Customer hero")."""
    assert tenant.id is not None
    cycle = AwardCycle(
        tenant_id=tenant.id, name=data.name, timezone=data.timezone,
        nominations_open=_utc(data.nominations.opens, data.timezone),
        nominations_close=_utc(data.nominations.closes, data.timezone),
        voting_open=_utc(data.voting.opens, data.timezone), voting_close=_utc(data.voting.closes, data.timezone),
    )
    session.add(cycle)
    await session.flush()
    assert cycle.id is not None
    names = data.categories or [
        *(f"#{v.slug}" for v in await tenant_values(session, tenant.id)),
        translator(tenant.default_locale)._("Customer hero"),
    ]
    session.add_all(AwardCategory(cycle_id=cycle.id, name=name, position=i) for i, name in enumerate(names))
    await session.flush()
    return cycle


def phase(cycle: AwardCycle, now: dt.datetime) -> str:
    """Where the cycle is at `now`: upcoming, nominating, waiting (for voting), voting, closed or announced."""
    if cycle.announced_at is not None:
        return "announced"
    for name, until in (("upcoming", cycle.nominations_open), ("nominating", cycle.nominations_close),
                        ("waiting", cycle.voting_open), ("voting", cycle.voting_close)):
        if now < until:
            return name
    return "closed"


def results_public(cycle: AwardCycle, now: dt.datetime) -> bool:
    """Vote counts stay private until voting closes."""
    return now >= cycle.voting_close


async def nominations_of(session: AsyncSession, category_id: int) -> list[tuple[Nomination, Member, Member]]:
    """A category's nominations with nominee and nominator, oldest first."""
    nominee, nominator = aliased(Member), aliased(Member)
    query = (select(Nomination, nominee, nominator)
             .join(nominee, col(nominee.id) == Nomination.nominee_id)
             .join(nominator, col(nominator.id) == Nomination.nominator_id)
             .where(Nomination.category_id == category_id).order_by(col(Nomination.id)))
    return [(n, a, b) for n, a, b in (await session.execute(query)).all()]


async def categories_of(session: AsyncSession, cycle_id: int) -> Sequence[AwardCategory]:
    """A cycle's categories in order."""
    query = select(AwardCategory).where(AwardCategory.cycle_id == cycle_id).order_by(col(AwardCategory.position))
    return (await session.execute(query)).scalars().all()


async def open_cycle(session: AsyncSession, tenant_id: int, now: dt.datetime, *, voting: bool) -> AwardCycle | None:
    """The latest cycle whose nomination (or voting) window contains `now`."""
    opens, closes = (AwardCycle.voting_open, AwardCycle.voting_close) if voting else \
        (AwardCycle.nominations_open, AwardCycle.nominations_close)
    query = select(AwardCycle).where(AwardCycle.tenant_id == tenant_id, col(opens) <= now, col(closes) > now)
    return (await session.execute(query.order_by(col(AwardCycle.id).desc()).limit(1))).scalars().first()


async def nominees(session: AsyncSession, category_id: int) -> Sequence[Member]:
    """Everyone nominated in a category, by name."""
    query = (select(Member).join(Nomination, col(Nomination.nominee_id) == Member.id)
             .where(Nomination.category_id == category_id).distinct().order_by(col(Member.display_name)))
    return (await session.execute(query)).scalars().all()


async def cast_vote(session: AsyncSession, category_id: int, voter_id: int, nominee_id: int, now: dt.datetime) -> None:
    """Record or change the voter's one vote in the category."""
    existing = (await session.execute(select(Vote).where(
        Vote.category_id == category_id, Vote.voter_id == voter_id))).scalars().first()
    vote = existing or Vote(category_id=category_id, voter_id=voter_id, nominee_id=nominee_id, updated_at=now)
    vote.nominee_id, vote.updated_at = nominee_id, now
    session.add(vote)
    await session.flush()


async def standings(session: AsyncSession, category_id: int) -> list[tuple[Member, int]]:
    """Nominees with their votes, most first (then by name); nominees without votes count 0."""
    votes = dict((await session.execute(
        select(Vote.nominee_id, func.count()).where(Vote.category_id == category_id)
        .group_by(col(Vote.nominee_id)))).all())
    rows = [(member, int(votes.get(member.id or 0, 0))) for member in await nominees(session, category_id)]
    return sorted(rows, key=lambda row: (-row[1], row[0].name))


def winners(rows: list[tuple[Member, int]]) -> list[Member]:
    """The nominees with the most votes (several on a tie; none without votes)."""
    top = rows[0][1] if rows else 0
    return [member for member, votes in rows if top and votes == top]
