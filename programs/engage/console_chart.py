"""The overview's eNPS and participation trend: the latest 0–10 survey's closed rounds, suppressed as everywhere.

The numbers come from `survey_results` under the tenant's anonymity threshold, so a
round with fewer respondents shows "suppressed" and why, never an eNPS.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.console.registry import Chart, Value
from bot.i18n import Translator
from bot.tenant_settings import tenant_settings
from programs.engage.models import Survey, SurveyRound
from programs.engage.questions import questions_of
from programs.engage.results import survey_results
from programs.engage.templates import SCALE

ROUNDS = 6  # the latest closed rounds shown


def _scale_key(survey: Survey) -> str | None:
    return next((q.key for q in questions_of(survey.questions) if q.kind == SCALE), None)


async def _closed_rounds(session: AsyncSession, tenant_id: int) -> tuple[Survey, str, list[SurveyRound]] | None:
    """The tenant's most recent survey with a 0–10 question and a closed round, its key and closed rounds."""
    surveys = (await session.execute(select(Survey).where(Survey.tenant_id == tenant_id)
                                     .order_by(col(Survey.id).desc()))).scalars().all()
    for survey in surveys:
        key = _scale_key(survey)
        if key is None:
            continue
        rounds = (await session.execute(select(SurveyRound).where(
            SurveyRound.survey_id == survey.id, col(SurveyRound.closed_at).is_not(None))
            .order_by(col(SurveyRound.closed_at).desc(), col(SurveyRound.id).desc()).limit(ROUNDS))).scalars().all()
        if rounds:
            return survey, key, list(rounds)
    return None


async def enps_trend(session: AsyncSession, tenant_id: int, t: Translator) -> Chart:
    """eNPS and participation (%) of each of the latest closed rounds, oldest first."""
    series = [t._("eNPS"), t._("participation (%)")]
    found = await _closed_rounds(session, tenant_id)
    if found is None:
        return Chart(title=t._("eNPS and participation"), series=series, rows=[])
    survey, key, rounds = found
    threshold = (await tenant_settings(session, tenant_id)).anonymity_threshold
    results = await survey_results(session, survey, rounds[0], by=(), threshold=threshold, t=t)
    closed = {round_.id for round_ in rounds}
    rows: list[tuple[str, list[Value]]] = []
    notes: list[str] = []
    for point in results["trend"]:
        if point["round_id"] not in closed:
            continue
        hidden = bool(point.get("suppressed"))  # the results' own rule: fewer respondents than the threshold
        rows.append((point["opened_on"], [t._("suppressed") if hidden else point["scores"].get(key),
                                          point["participation"]]))
        notes.append(t._("fewer than {count} respondents").format(count=threshold) if hidden else "")
    return Chart(title=t._("eNPS and participation: {survey}").format(survey=survey.name), series=series,
                 rows=rows, stacked=False, note=t._("note"), notes=notes)
