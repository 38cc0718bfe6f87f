"""Who a campaign reaches: members matching its audience, resolved at materialisation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.broadcasts.schemas import Ambassadors, Audience, Channel, Everyone, Members, NewJoiners, Segment
from bot.models import Member

RoleMembers = Callable[[AsyncSession, int], Awaitable[list[int]]]
_ROLES: dict[str, RoleMembers] = {}


def register_role_audience(kind: str, members_of: RoleMembers) -> None:
    """A program that owns a role (e.g. ambassadors) says who holds it: member ids per tenant."""
    _ROLES[kind] = members_of


def role_audience_available(kind: str) -> bool:
    """True once a program has registered the role audience `kind`."""
    return kind in _ROLES


def _active(tenant_id: int):  # type: ignore[no-untyped-def]
    return select(Member).where(
        Member.tenant_id == tenant_id, col(Member.is_bot).is_(False), col(Member.is_deleted).is_(False)
    )


async def resolve_members(
    session: AsyncSession, tenant_id: int, audience: Audience, now: dt.datetime
) -> Sequence[Member]:
    """Active human members in the audience (empty for a channel audience)."""
    query = _active(tenant_id)
    if isinstance(audience, Channel):
        return []  # a channel gets one post
    if isinstance(audience, Ambassadors):
        members_of = _ROLES.get(audience.kind)
        query = query.where(col(Member.id).in_(await members_of(session, tenant_id) if members_of else []))
    elif isinstance(audience, Members):
        query = query.where(col(Member.external_id).in_(audience.members))
    elif isinstance(audience, Segment):
        query = _segment(query, audience)
    elif isinstance(audience, NewJoiners):
        since = (now - dt.timedelta(days=audience.days)).date()
        joined = col(Member.created_at) >= now - dt.timedelta(days=audience.days)
        query = query.where((col(Member.start_date) >= since) | (col(Member.start_date).is_(None) & joined))
    else:
        assert isinstance(audience, Everyone)
    return (await session.execute(query.order_by(col(Member.id)))).scalars().all()


def _segment(query, segment: Segment):  # type: ignore[no-untyped-def]
    for column, wanted in (
        (Member.department, segment.department), (Member.location, segment.location), (Member.country, segment.country),
    ):
        if wanted:
            query = query.where(col(column).in_(wanted))
    if segment.started_after:
        query = query.where(col(Member.start_date) >= segment.started_after)
    if segment.started_before:
        query = query.where(col(Member.start_date) <= segment.started_before)
    return query
