"""What happened in a week, for the thank-you digest: kudos by value, new stories, new ambassadors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.models import Member
from programs.ambassadors.models import Ambassador, Status
from programs.digests.window import Window
from programs.reward.models import Kudos, KudosTag, KudosValue
from programs.stories.models import Story, StoryStatus

TOP = 3


@dataclass(frozen=True)
class ValueBoard:
    """One value's kudos this week and its most recognised people."""

    slug: str
    kudos: int
    top: list[tuple[Member, int]]


@dataclass(frozen=True)
class Week:
    """The week's recognition."""

    kudos: int
    by_value: list[ValueBoard]
    stories: Sequence[tuple[Story, Member]]
    ambassadors: Sequence[tuple[Ambassador, Member]]


def _in(column: Any, window: Window) -> list[ColumnElement[bool]]:
    return [col(column) >= window.start, col(column) < window.end]


async def _value_board(session: AsyncSession, tenant_id: int, value: KudosValue, window: Window) -> ValueBoard:
    count = func.count(col(Kudos.id)).label("n")
    query = (
        select(Member, count).join(Kudos, col(Kudos.receiver_id) == Member.id)
        .join(KudosTag, col(KudosTag.kudos_id) == Kudos.id)
        .where(Kudos.tenant_id == tenant_id, KudosTag.value_id == value.id, *_in(Kudos.created_at, window))
        .group_by(col(Member.id)).order_by(count.desc(), col(Member.display_name))
    )
    rows = [(member, int(n)) for member, n in (await session.execute(query))]
    return ValueBoard(value.slug, sum(n for _, n in rows), rows[:TOP])


async def week_of(session: AsyncSession, tenant_id: int, window: Window) -> Week:
    """The week's kudos (by value, with leaderboards), approved stories and approved ambassadors."""
    total = (await session.execute(select(func.count()).select_from(Kudos).where(
        Kudos.tenant_id == tenant_id, *_in(Kudos.created_at, window)))).scalar_one()
    values = (await session.execute(select(KudosValue).where(KudosValue.tenant_id == tenant_id, KudosValue.active)
                                    .order_by(col(KudosValue.position)))).scalars().all()
    boards = [board for value in values if (board := await _value_board(session, tenant_id, value, window)).kudos]
    stories = (await session.execute(
        select(Story, Member).join(Member, col(Member.id) == Story.author_id)
        .where(Story.tenant_id == tenant_id, Story.status == StoryStatus.APPROVED.value,
               *_in(Story.decided_at, window)).order_by(col(Story.decided_at)))).all()
    ambassadors = (await session.execute(
        select(Ambassador, Member).join(Member, col(Member.id) == Ambassador.member_id)
        .where(Ambassador.tenant_id == tenant_id, Ambassador.status == Status.APPROVED.value,
               *_in(Ambassador.decided_at, window)).order_by(col(Ambassador.decided_at)))).all()
    return Week(int(total), boards, stories, ambassadors)
