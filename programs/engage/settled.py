"""Settled rounds' counts, kept in memory: a round closed a while ago with an empty pool never changes.

After a round closes no answer is accepted; one that was being recorded as it
closed lands in the pool within its request's time limit, and the pool is
written (and counted) by the next flush. So once `GRACE` has passed since the
close and the round's pool is empty, its tally is final: results read it from
the database once per process and from memory after that. Nothing needs
invalidating; the key also holds the database and the round's times, so a
database emptied and filled again (tests) never meets old counts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from programs.engage import aggregates
from programs.engage.aggregates import Counts
from programs.engage.models import PooledAnswer, SurveyRound

GRACE = dt.timedelta(minutes=10)
LIMIT = 4096  # (round, break-down) entries kept; the least recently used go first
POOL = PooledAnswer.__table__  # type: ignore[attr-defined]
_kept: OrderedDict[tuple[Any, ...], Counts] = OrderedDict()


def is_settled(round_: SurveyRound, now: dt.datetime) -> bool:
    """Closed at least `GRACE` ago (its pool still to be checked)."""
    return round_.closed_at is not None and round_.closed_at <= now - GRACE


def _key(session: AsyncSession, round_: SurveyRound, by: Sequence[str]) -> tuple[Any, ...]:
    return (str(session.get_bind().engine.url), round_.id, round_.opened_at, round_.closed_at, tuple(by))


async def round_counts(session: AsyncSession, rounds: Sequence[SurveyRound], by: Sequence[str],
                       now: dt.datetime) -> Counts:
    """`aggregates.counts` of `rounds`: settled ones from memory (read once), the others from the tally."""
    found: list[Counts] = []
    missing: list[SurveyRound] = []
    for round_ in rounds:
        key = _key(session, round_, by)
        kept = _kept.get(key) if is_settled(round_, now) else None
        if kept is None:
            missing.append(round_)
            continue
        with contextlib.suppress(KeyError):  # another thread (the CLI's, a test's) may have just evicted it
            _kept.move_to_end(key)
        found.append(kept)
    if missing:
        read = await aggregates.counts(session, [r.id for r in missing if r.id is not None], by)
        found.append(read)
        await _keep(session, [r for r in missing if is_settled(r, now)], by, read)
    return merged(found)


async def _keep(session: AsyncSession, rounds: list[SurveyRound], by: Sequence[str], read: Counts) -> None:
    """Remember the counts of settled rounds whose pools are empty."""
    if not rounds:
        return
    pooled = set((await session.execute(
        select(POOL.c.round_id).where(POOL.c.round_id.in_([r.id for r in rounds])).distinct()
    )).scalars())
    for round_ in rounds:
        if round_.id not in pooled:
            _kept[_key(session, round_, by)] = only(read, round_.id or 0)
    while len(_kept) > LIMIT:
        _kept.popitem(last=False)


def only(counts: Counts, round_id: int) -> Counts:
    """The part of `counts` about one round."""
    values: dict[str, dict[tuple[int, Any], Counter[int]]] = {}
    for key, cells in counts.values.items():
        mine = {where: Counter(found) for where, found in cells.items() if where[0] == round_id}
        if mine:
            values[key] = defaultdict(Counter, mine)
    return Counts(respondents={w: n for w, n in counts.respondents.items() if w[0] == round_id}, values=values,
                  invited={w: n for w, n in counts.invited.items() if w[0] == round_id})


def merged(parts: Sequence[Counts]) -> Counts:
    """Counts of disjoint sets of rounds, as one (the parts are not changed)."""
    if len(parts) == 1:
        return parts[0]
    total = Counts()
    for part in parts:
        total.respondents.update(part.respondents)
        total.invited.update(part.invited)
        for key, cells in part.values.items():
            total.values.setdefault(key, defaultdict(Counter)).update(cells)
    return total
