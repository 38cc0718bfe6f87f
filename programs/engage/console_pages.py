"""The Engage lever in the console: surveys, and each survey's suppressed results as charts and tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, Response

from bot.api.deps import SessionDep
from bot.api.errors import MAX_ID, ResourceId
from bot.console.models import ConsoleRole
from bot.console.registry import Chart, ConsolePage, ConsoleRegistry
from bot.console.render import add_template_folder, page
from bot.console.session import SignedIn, Viewer
from bot.i18n import N_, Translator
from bot.settings import Settings
from bot.tenant_settings import tenant_settings
from programs.engage import console_forms
from programs.engage.aggregates import ATTRIBUTES
from programs.engage.console_chart import enps_trend
from programs.engage.csv_export import results_csv
from programs.engage.models import Survey, SurveyRound
from programs.engage.results import suppressed, survey_results
from programs.engage.service import latest_round, round_out, survey_out, surveys_of

READERS = frozenset({ConsoleRole.ADMIN, ConsoleRole.ANALYST})
BY = {"department": N_("department"), "location": N_("location"), "country": N_("country")}
RoundQuery = Annotated[int | None, Query(alias="round", ge=1, le=MAX_ID)]
ByQuery = Annotated[str, Query(alias="by", max_length=20)]
router = APIRouter(routes=[*console_forms.router.routes])  # first: `/new` before `/{survey_id}`


def _reader(viewer: SignedIn) -> None:
    if viewer.role not in READERS:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only an admin or an analyst may read survey results")


def why_hidden(cell: dict[str, Any], threshold: int, t: Translator) -> str:
    """The translated reason a suppressed cell gives (the reasons are the results service's own)."""
    if cell["reason"] == suppressed(threshold, comments=True)["reason"]:
        return t._("comments are shown for at least {count} answers").format(count=2 * threshold)
    if cell["reason"] == suppressed(threshold, derivable=True)["reason"]:
        return t._("hidden so that a smaller group cannot be derived by subtraction")
    return t._("fewer than {count} respondents").format(count=threshold)


def charts_of(results: dict[str, Any], t: Translator) -> list[Chart]:
    """Participation per round, then each shown question's distribution and eNPS split."""
    charts = [Chart(title=t._("Participation per round"), series=[t._("Responded"), t._("Not yet")],
                    rows=[(point["opened_on"], [point["respondents"], max(point["invited"] - point["respondents"], 0)])
                          for point in results["trend"]])]
    for question in results["questions"]:
        if "distribution" in question:
            charts.append(Chart(title=question["text"], series=[t._("Answers")],
                                rows=[(str(option), [count]) for option, count in question["distribution"].items()]))
        if question.get("enps"):
            score = question["enps"]
            label = t._("eNPS {score}").format(score=f"{score['score']:+g}")
            charts.append(Chart(title=t._("eNPS: {question}").format(question=question["text"]),
                                series=[t._("Promoters"), t._("Passives"), t._("Detractors")],
                                rows=[(label, [score["promoters"], score["passives"], score["detractors"]])]))
    return charts


async def _survey(session: SessionDep, viewer: SignedIn, survey_id: int) -> Survey:
    _reader(viewer)
    survey = await session.get(Survey, survey_id)
    if survey is None or survey.tenant_id != viewer.tenant.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such survey")
    return survey


async def _results(request: Request, session: SessionDep, viewer: SignedIn, survey: Survey, round_id: int | None,
                   by: str) -> dict[str, Any] | None:
    assert survey.id is not None
    if by and by not in ATTRIBUTES:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, f"break down by one of: {', '.join(ATTRIBUTES)}")
    round_ = await session.get(SurveyRound, round_id) if round_id else await latest_round(session, survey.id)
    if round_id and (round_ is None or round_.survey_id != survey.id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "this survey has no such round")
    if round_ is None:
        return None
    settings: Settings = request.app.state.runtime.settings
    threshold = (await tenant_settings(session, survey.tenant_id, settings)).anonymity_threshold
    found = await survey_results(session, survey, round_, by=[by] if by else [], threshold=threshold, t=viewer.t)
    for cell in [*found["questions"], *found["trend"], *(found.get("breakdown") or {}).get("groups", [])]:
        if cell.get("suppressed"):
            cell["why"] = why_hidden(cell, threshold, viewer.t)
    return found


@router.get("")
async def surveys(request: Request, viewer: Viewer, session: SessionDep) -> HTMLResponse:
    """The tenant's surveys with their latest round's participation."""
    _reader(viewer)
    assert viewer.tenant.id is not None
    shown = []
    for survey in await surveys_of(session, viewer.tenant.id):
        assert survey.id is not None
        latest = await latest_round(session, survey.id)
        shown.append((await survey_out(session, survey), await round_out(session, latest) if latest else None))
    return page(request, viewer, "surveys.html", surveys=shown)


@router.get("/{survey_id}")
async def results(survey_id: ResourceId, request: Request, viewer: Viewer, session: SessionDep,
                  round_id: RoundQuery = None, by: ByQuery = "") -> HTMLResponse:
    """A round's results (the latest, or `?round=`), broken down `?by=`: charts with their numbers,
    suppressed cells saying why."""
    survey = await _survey(session, viewer, survey_id)
    found = await _results(request, session, viewer, survey, round_id, by)
    return page(request, viewer, "survey_results.html", survey=survey, results=found, by=by, attributes=BY,
                charts=charts_of(found, viewer.t) if found else [])


@router.get("/{survey_id}/export.csv")
async def export(survey_id: ResourceId, request: Request, viewer: Viewer, session: SessionDep,
                 round_id: RoundQuery = None, by: ByQuery = "") -> Response:
    """The same results as CSV (the API's format)."""
    survey = await _survey(session, viewer, survey_id)
    found = await _results(request, session, viewer, survey, round_id, by)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "this survey has no round yet")
    name = f"survey-{survey.id}-round-{found['round_id']}.csv"
    return Response(results_csv(found), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


def register(registry: ConsoleRegistry) -> None:
    """Add the surveys page and the overview's eNPS trend (for those who may read results)."""
    add_template_folder(Path(__file__).resolve().parent / "console_templates")
    registry.add_page(ConsolePage("/surveys", N_("Surveys"), router, READERS, order=30))
    registry.add_chart(enps_trend, READERS)
