"""`/api/v1/surveys` and `/api/v1/rounds`: create and send surveys, follow and close rounds, read results.

Admin keys write, analyst keys read; everything is scoped to the key's tenant.
Results are suppressed by the anonymity rules whatever the caller asks for.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.deps import AdminKey, Principal, ReaderKey, SessionDep
from bot.api.errors import MAX_ID, ResourceId, conflict, invalid, not_found
from bot.broadcasts.schemas import Role
from bot.i18n import translator
from bot.models import Tenant, utcnow
from bot.settings import Settings
from bot.tenant_settings import tenant_settings
from programs.engage.aggregates import ATTRIBUTES
from programs.engage.csv_export import results_csv
from programs.engage.models import Survey, SurveyRound
from programs.engage.results import survey_results
from programs.engage.schemas import RoundOut, SendNowOut, SurveyIn, SurveyOut
from programs.engage.service import create_survey, latest_round, round_out, send_now, survey_out, surveys_of
from programs.engage.ticks import close_round

router = APIRouter(prefix="/api/v1", tags=["surveys"])


async def _survey(session: AsyncSession, key: Principal, survey_id: int) -> Survey:
    survey = await session.get(Survey, survey_id)
    if survey is None or survey.tenant_id != key.tenant_id:
        raise not_found("survey")
    return survey


async def _round(session: AsyncSession, key: Principal, round_id: int) -> SurveyRound:
    round_ = await session.get(SurveyRound, round_id)
    if round_ is None or round_.tenant_id != key.tenant_id:
        raise not_found("round")
    return round_


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.runtime.settings
    return settings


@router.post("/surveys", status_code=status.HTTP_201_CREATED)
async def create(data: SurveyIn, session: SessionDep, key: AdminKey) -> SurveyOut:
    """Create an active survey; scheduled rounds open on their own, `send-now` opens one at once."""
    if isinstance(data.audience, Role):  # a survey's rounds reach the neutral audiences only
        raise invalid(("audience", "kind"), f"a survey cannot go to {data.audience.kind!r}; use everyone, members, "
                                            "segment or new_joiners")
    survey = await create_survey(session, key.tenant_id, data)
    out = await survey_out(session, survey)
    await session.commit()
    return out


@router.get("/surveys")
async def list_surveys(session: SessionDep, key: ReaderKey) -> list[SurveyOut]:
    """The tenant's surveys, newest first."""
    return [await survey_out(session, survey) for survey in await surveys_of(session, key.tenant_id)]


@router.get("/surveys/{survey_id}")
async def get_survey(survey_id: ResourceId, session: SessionDep, key: ReaderKey) -> SurveyOut:
    """One survey."""
    return await survey_out(session, await _survey(session, key, survey_id))


@router.post("/surveys/{survey_id}/send-now", status_code=status.HTTP_202_ACCEPTED)
async def send_now_endpoint(survey_id: ResourceId, session: SessionDep, key: AdminKey) -> SendNowOut:
    """Open a round now: invitations go out through the outbox."""
    survey = await _survey(session, key, survey_id)
    if not survey.active:
        raise conflict("the survey is not active")
    tenant = await session.get(Tenant, key.tenant_id)
    assert tenant is not None
    round_ = await send_now(session, survey, tenant)
    await session.commit()
    assert round_.id is not None
    return SendNowOut(round_id=round_.id)


@router.get("/rounds/{round_id}")
async def get_round(round_id: ResourceId, session: SessionDep, key: ReaderKey) -> RoundOut:
    """Invited and responded counts of a round."""
    return await round_out(session, await _round(session, key, round_id))


@router.post("/rounds/{round_id}/close")
async def close(round_id: ResourceId, request: Request, session: SessionDep, key: AdminKey) -> RoundOut:
    """Close a round early: no more answers or reminders; the owner gets the summary."""
    round_ = await _round(session, key, round_id)
    if round_.closed_at is not None:
        raise conflict("the round is already closed")
    await close_round(session, round_, utcnow(), settings=_settings(request))
    out = await round_out(session, round_)
    await session.commit()
    return out


@router.get("/surveys/{survey_id}/results", response_model=None)
async def results(
    survey_id: ResourceId, request: Request, session: SessionDep, key: ReaderKey,
    round_id: Annotated[int | None, Query(alias="round", ge=1, le=MAX_ID)] = None,
    by: Annotated[str | None, Query(description="department, location or country; two joined by a comma")] = None,
    format: Literal["json", "csv"] = "json",
    locale: Literal["en", "pl", "uk"] = "en",
) -> dict[str, Any] | Response:
    """The latest (or `?round=`) round's suppressed results, broken down `?by=`, as JSON or CSV."""
    survey = await _survey(session, key, survey_id)
    attributes = [name.strip() for name in by.split(",")] if by else []
    if len(attributes) > 2 or not set(attributes) <= set(ATTRIBUTES) or len(set(attributes)) < len(attributes):
        raise invalid(("by",), f"break down by one or two of: {', '.join(ATTRIBUTES)}")
    round_ = await _round(session, key, round_id) if round_id else await latest_round(session, survey_id)
    if round_ is None or round_.survey_id != survey.id:
        raise not_found("round")
    limits = await tenant_settings(session, key.tenant_id, _settings(request))
    found = await survey_results(session, survey, round_, by=attributes,
                                 threshold=limits.anonymity_threshold, t=translator(locale))
    if format == "csv":
        name = f"survey-{survey.id}-round-{round_.id}.csv"
        return Response(results_csv(found), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return JSONResponse(found)  # plain JSON values already: FastAPI's encoder would walk them again (~8 ms)
