"""Who a broadcast reaches: members matching its audience, resolved at materialisation.

The neutral kinds are resolved here; any other kind is a role, and the program that
registered it (`Installation.add_audience`) says who holds it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.broadcasts.schemas import (
    NEUTRAL_KINDS,
    ROLE_KIND,
    Audience,
    Channel,
    Everyone,
    Members,
    NewJoiners,
    Role,
    Segment,
)
from bot.models import Member

RoleMembers = Callable[[AsyncSession, int], Awaitable[list[int]]]


@dataclass
class Roles:
    """The role audiences programs offer: each kind with who holds the role (member ids per tenant)."""

    members_of: dict[str, RoleMembers] = field(default_factory=dict)

    def add(self, kind: str, members_of: RoleMembers) -> None:
        """Offer the audience `{"kind": kind}`: `members_of(session, tenant_id)` says who it reaches."""
        if kind in NEUTRAL_KINDS or not re.fullmatch(ROLE_KIND, kind):
            raise ValueError(f"{kind!r} cannot name a role audience")
        if kind in self.members_of:
            raise ValueError(f"the audience {kind!r} is already installed")
        self.members_of[kind] = members_of

    @property
    def kinds(self) -> list[str]:
        """Every audience kind this installation accepts: the neutral ones, then the roles."""
        return [*NEUTRAL_KINDS, *sorted(self.members_of)]

    def problem(self, audience: Audience | None) -> str | None:
        """Why `audience` cannot be used here (a role no program offers), or None."""
        if isinstance(audience, Role) and audience.kind not in self.members_of:
            return f"unknown audience kind {audience.kind!r}; use one of: {', '.join(self.kinds)}"
        return None


def _active(tenant_id: int):  # type: ignore[no-untyped-def]
    return select(Member).where(
        Member.tenant_id == tenant_id, col(Member.is_bot).is_(False), col(Member.is_deleted).is_(False)
    )


async def resolve_members(
    session: AsyncSession, tenant_id: int, audience: Audience, now: dt.datetime, roles: Roles
) -> Sequence[Member]:
    """Active human members in the audience (empty for a channel audience; a role no program offers: nobody)."""
    query = _active(tenant_id)
    if isinstance(audience, Channel):
        return []  # a channel gets one post
    if isinstance(audience, Role):
        members_of = roles.members_of.get(audience.kind)
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
