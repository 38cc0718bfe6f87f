"""The survey KPIs: eNPS and participation of the latest closed round, as engage's results show them.

They read `survey_results`, so the anonymity rules hold: a round with too few
respondents has no eNPS (no data), never a number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.i18n import translator
from programs.engage.models import Survey, SurveyRound
from programs.engage.questions import questions_of
from programs.engage.results import survey_results
from programs.engage.templates import SCALE


def _enps_key(survey: Survey) -> str | None:
    return next((q.key for q in questions_of(survey.questions) if q.kind == SCALE), None)


async def _latest_results(session: AsyncSession, tenant_id: int, end: dt.datetime,
                          threshold: int) -> tuple[str, dict[str, Any]] | None:
    """The eNPS question's key and the results of the latest round closed before `end` of the tenant's most
    recent survey with a 0–10 question."""
    surveys = (await session.execute(select(Survey).where(Survey.tenant_id == tenant_id, col(Survey.created_at) < end)
                                     .order_by(col(Survey.id).desc()))).scalars()
    survey = next((s for s in surveys if _enps_key(s)), None)
    if survey is None:
        return None
    round_ = (await session.execute(select(SurveyRound).where(
        SurveyRound.survey_id == survey.id, col(SurveyRound.closed_at).is_not(None), col(SurveyRound.closed_at) < end)
        .order_by(col(SurveyRound.closed_at).desc(), col(SurveyRound.id).desc()).limit(1))).scalars().first()
    if round_ is None:
        return None
    key = _enps_key(survey)
    assert key is not None
    return key, await survey_results(session, survey, round_, by=(), threshold=threshold, t=translator("en"))


async def enps(session: AsyncSession, tenant_id: int, end: dt.datetime, threshold: int) -> float | None:
    """The round's eNPS; None without a round, without answers, or when suppressed."""
    found = await _latest_results(session, tenant_id, end, threshold)
    if found is None:
        return None
    key, results = found
    cell = next(c for c in results["questions"] if c["key"] == key)
    score = None if cell.get("suppressed") else cell.get("enps")
    return float(score["score"]) if score else None


async def survey_participation(session: AsyncSession, tenant_id: int, end: dt.datetime,
                               threshold: int) -> float | None:
    """The round's participation rate (% of the invited who answered); None without a round or invitations."""
    found = await _latest_results(session, tenant_id, end, threshold)
    participation = found[1]["participation"] if found else None
    return None if participation is None else float(participation)


SURVEY_KPIS: dict[str, Callable[[AsyncSession, int, dt.datetime, int], Awaitable[float | None]]] = {
    "enps": enps,
    "survey_participation": survey_participation,
}
