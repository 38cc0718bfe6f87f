"""`/api/v1/feedback`: customer feedback in (single or batch) and customer NPS out."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Query, status

from bot.api.deps import AdminKey, ReaderKey, SessionDep
from bot.api.errors import invalid
from programs.voice.schemas import FeedbackIn, FeedbackResult, TeamScore
from programs.voice.service import Period, store_feedback, team_scores

router = APIRouter(prefix="/api/v1/feedback", tags=["feedback"])
MAX_BATCH = 1000


@router.post("", status_code=status.HTTP_201_CREATED)
async def add_feedback(
    data: Annotated[FeedbackIn | list[FeedbackIn], Body()], session: SessionDep, key: AdminKey,
) -> FeedbackResult:
    """Store one answer or a batch (all or none); an external id already stored changes nothing."""
    items = data if isinstance(data, list) else [data]
    if len(items) > MAX_BATCH:
        raise invalid((), f"send at most {MAX_BATCH} answers at once")
    return await store_feedback(session, key.tenant_id, items)


@router.get("/nps")
async def nps(
    session: SessionDep, key: ReaderKey,
    by: Annotated[Literal["team"], Query(description="Grouping (only `team`).")] = "team",
    period: Annotated[Period, Query()] = Period.MONTH,
    since: Annotated[dt.date | None, Query(alias="from")] = None,
    until: Annotated[dt.date | None, Query(alias="to")] = None,
) -> list[TeamScore]:
    """Customer NPS per team and period: promoters 9–10, detractors 0–6, score one decimal (as eNPS)."""
    return await team_scores(session, key.tenant_id, period, since, until)
