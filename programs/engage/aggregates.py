"""The SQL behind results: counts grouped by round, segment attributes and answer value."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Member
from programs.engage.models import Participation, SurveyResponse

RESPONSE = SurveyResponse.__table__  # type: ignore[attr-defined]
PARTICIPATION = Participation.__table__  # type: ignore[attr-defined]
MEMBER = Member.__table__  # type: ignore[attr-defined]
ATTRIBUTES = ("department", "location", "country")
Group = tuple[Any, ...]


async def respondents(
    session: AsyncSession, round_ids: Sequence[int], by: Sequence[str]
) -> dict[tuple[int, Group], int]:
    """Responses per (round, group of `by` attribute values)."""
    columns = [RESPONSE.c[name] for name in by]
    rows = await session.execute(
        select(RESPONSE.c.round_id, *columns, func.count()).where(RESPONSE.c.round_id.in_(round_ids))
        .group_by(RESPONSE.c.round_id, *columns)
    )
    return {(row[0], tuple(row[1:-1])): int(row[-1]) for row in rows}


async def value_counts(
    session: AsyncSession, round_ids: Sequence[int], key: str, by: Sequence[str]
) -> dict[tuple[int, Group], Counter[int]]:
    """Each numeric answer to question `key`, counted per (round, group)."""
    value = RESPONSE.c.answers[key].as_integer()
    columns = [RESPONSE.c[name] for name in by]
    rows = await session.execute(
        select(RESPONSE.c.round_id, *columns, value, func.count())
        .where(RESPONSE.c.round_id.in_(round_ids), value.is_not(None))
        .group_by(RESPONSE.c.round_id, *columns, value)
    )
    found: dict[tuple[int, Group], Counter[int]] = defaultdict(Counter)
    for row in rows:
        found[(row[0], tuple(row[1:-2]))][int(row[-2])] += int(row[-1])
    return found


async def comments(session: AsyncSession, round_id: int, key: str, limit: int = 500) -> list[str]:
    """Free-text answers to question `key` in one round, in key order (random, as keys are)."""
    text = RESPONSE.c.answers[key].as_string()
    rows = await session.execute(
        select(text).where(RESPONSE.c.round_id == round_id, text.is_not(None)).order_by(RESPONSE.c.id).limit(limit)
    )
    return [str(value) for (value,) in rows if value]


async def invited(session: AsyncSession, round_id: int, by: Sequence[str]) -> dict[Group, int]:
    """Members invited to the round per group of their current attributes."""
    columns = [MEMBER.c[name] for name in by]
    rows = await session.execute(
        select(*columns, func.count()).select_from(PARTICIPATION.join(MEMBER, MEMBER.c.id == PARTICIPATION.c.member_id))
        .where(PARTICIPATION.c.round_id == round_id).group_by(*columns)
    )
    return {tuple(row[:-1]): int(row[-1]) for row in rows}
