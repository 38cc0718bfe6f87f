"""Storing feedback (idempotent by external id) and customer NPS per team and period."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.db import dialect_of, upsert_insert
from bot.models import utcnow
from programs.voice.models import Feedback
from programs.voice.nps import nps_of
from programs.voice.schemas import FeedbackIn, FeedbackResult, TeamScore


class Period(StrEnum):
    """How NPS is grouped in time."""

    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"


def period_start(day: dt.date, period: Period) -> dt.date:
    """The first day of the week (Monday), month or quarter `day` is in."""
    if period is Period.WEEK:
        return day - dt.timedelta(days=day.weekday())
    if period is Period.MONTH:
        return day.replace(day=1)
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


async def store_feedback(session: AsyncSession, tenant_id: int, items: Sequence[FeedbackIn]) -> FeedbackResult:
    """Insert the answers; one whose external id is already stored changes nothing."""
    if not items:
        return FeedbackResult(created=0, unchanged=0)
    now = utcnow()
    rows = [{"tenant_id": tenant_id, "score": item.score, "comment": item.comment, "touchpoint": item.touchpoint,
             "team": item.team, "received_on": item.date, "external_id": item.external_id, "created_at": now}
            for item in items]
    table = Feedback.__table__  # type: ignore[attr-defined]
    statement = (upsert_insert(dialect_of(session))(table)
                 .on_conflict_do_nothing(index_elements=["tenant_id", "external_id"]).returning(table.c.id))
    created = len((await session.execute(statement, rows)).all())
    return FeedbackResult(created=created, unchanged=len(rows) - created)


async def team_scores(
    session: AsyncSession, tenant_id: int, period: Period, since: dt.date | None, until: dt.date | None,
) -> list[TeamScore]:
    """NPS per team and period (oldest first), from the answers received between `since` and `until`."""
    query = select(col(Feedback.team), col(Feedback.received_on), col(Feedback.score)).where(
        Feedback.tenant_id == tenant_id)
    if since:
        query = query.where(col(Feedback.received_on) >= since)
    if until:
        query = query.where(col(Feedback.received_on) <= until)
    groups: dict[tuple[str, dt.date], list[int]] = defaultdict(list)
    for team, day, score in (await session.execute(query)):
        groups[(team, period_start(day, period))].append(score)
    return [
        TeamScore(team=team, period=start, nps=score.nps, responses=score.responses, promoters=score.promoters,
                  passives=score.passives, detractors=score.detractors)
        for (team, start), score in sorted((key, nps_of(values)) for key, values in groups.items())
    ]
