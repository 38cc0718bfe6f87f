"""The SQL behind results: counts by round, segment and answer value (from the tally), comments, invitations.

`counts` reads everything a results view needs from the tally in one query;
`respondents`, `value_counts` and `invited` are its parts, each one query.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from programs.engage.models import SurveyResponse
from programs.engage.tally import INVITED, RESPONDENTS, TALLY

RESPONSE = SurveyResponse.__table__  # type: ignore[attr-defined]
ATTRIBUTES = ("department", "location", "country")
Group = tuple[Any, ...]


def _group(values: Sequence[Any]) -> Group:
    return tuple(value or None for value in values)  # "" in the tally: the attribute was not set


@dataclass
class Counts:
    """The tally of some rounds, summed per (round, group of the `by` attributes)."""

    respondents: dict[tuple[int, Group], int] = field(default_factory=dict)
    values: dict[str, dict[tuple[int, Group], Counter[int]]] = field(default_factory=dict)
    invited: dict[tuple[int, Group], int] = field(default_factory=dict)

    def of(self, key: str) -> dict[tuple[int, Group], Counter[int]]:
        """Question `key`'s answers per (round, group) (`value_counts`'s answer)."""
        return self.values.get(key) or defaultdict(Counter)


async def counts(session: AsyncSession, round_ids: Sequence[int], by: Sequence[str]) -> Counts:
    """Respondents, each question's answers and invitations per (round, group), in one query.

    The same numbers as `respondents`, `value_counts` and `invited`: groups whose
    respondents or answers sum to zero are left out, invitations are not.
    """
    columns = [TALLY.c[name] for name in by]
    rows = await session.execute(
        select(TALLY.c.round_id, TALLY.c.question, *columns, TALLY.c.value, func.sum(TALLY.c.count))
        .where(TALLY.c.round_id.in_(round_ids))
        .group_by(TALLY.c.round_id, TALLY.c.question, *columns, TALLY.c.value)
    )
    found = Counts()
    for row in rows:
        round_id, question, value, total = row[0], row[1], int(row[-2]), int(row[-1])
        where = (round_id, _group(row[2:-2]))
        if question == INVITED:
            found.invited[where] = found.invited.get(where, 0) + total
        elif total <= 0:
            continue
        elif question == RESPONDENTS:
            found.respondents[where] = found.respondents.get(where, 0) + total
        else:
            found.values.setdefault(question, defaultdict(Counter))[where][value] += total
    return found


async def respondents(
    session: AsyncSession, round_ids: Sequence[int], by: Sequence[str]
) -> dict[tuple[int, Group], int]:
    """Respondents per (round, group of `by` attribute values), from the tally."""
    columns = [TALLY.c[name] for name in by]
    total = func.sum(TALLY.c.count)
    rows = await session.execute(
        select(TALLY.c.round_id, *columns, total)
        .where(TALLY.c.round_id.in_(round_ids), TALLY.c.question == RESPONDENTS)
        .group_by(TALLY.c.round_id, *columns).having(total > 0)
    )
    return {(row[0], _group(row[1:-1])): int(row[-1]) for row in rows}


async def value_counts(
    session: AsyncSession, round_ids: Sequence[int], key: str, by: Sequence[str]
) -> dict[tuple[int, Group], Counter[int]]:
    """Each numeric answer to question `key`, counted per (round, group), from the tally."""
    columns = [TALLY.c[name] for name in by]
    total = func.sum(TALLY.c.count)
    rows = await session.execute(
        select(TALLY.c.round_id, *columns, TALLY.c.value, total)
        .where(TALLY.c.round_id.in_(round_ids), TALLY.c.question == key)
        .group_by(TALLY.c.round_id, *columns, TALLY.c.value).having(total > 0)
    )
    found: dict[tuple[int, Group], Counter[int]] = defaultdict(Counter)
    for row in rows:
        found[(row[0], _group(row[1:-2]))][int(row[-2])] += int(row[-1])
    return found


async def comments(session: AsyncSession, round_id: int, key: str, limit: int = 500) -> list[str]:
    """Up to `limit` free-text answers to question `key` in one round, in alphabetical order."""
    text = RESPONSE.c.answers[key].as_string()
    rows = await session.execute(select(text).where(RESPONSE.c.round_id == round_id, text.is_not(None)).limit(limit))
    return sorted(str(value) for (value,) in rows if value)


async def invited(session: AsyncSession, round_id: int, by: Sequence[str]) -> dict[Group, int]:
    """Members invited to the round per group of their attributes when it opened (from the tally)."""
    columns = [TALLY.c[name] for name in by]
    rows = await session.execute(
        select(*columns, func.sum(TALLY.c.count))
        .where(TALLY.c.round_id == round_id, TALLY.c.question == INVITED).group_by(*columns)
    )
    return {_group(row[:-1]): int(row[-1]) for row in rows}
