"""Survey operations for `fivefold surveys` (the CLI reaches them through the composition root)."""

from __future__ import annotations

from typing import Any

from bot.db import Database
from bot.errors import FivefoldError
from bot.i18n import translator
from bot.models import Tenant
from bot.settings import Settings
from bot.tenant_settings import tenant_settings
from programs.engage.models import Survey, SurveyRound
from programs.engage.results import survey_results
from programs.engage.service import latest_round, round_out, send_now, surveys_of


class NotFound(FivefoldError, LookupError):
    """No such survey or round."""


async def list_surveys(settings: Settings, tenant_id: int) -> list[dict[str, Any]]:
    """The tenant's surveys with their latest round's progress."""
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            rows = []
            for survey in await surveys_of(session, tenant_id):
                assert survey.id is not None
                latest = await latest_round(session, survey.id)
                progress = (await round_out(session, latest)).model_dump() if latest else None
                rows.append({"id": survey.id, "name": survey.name, "template": survey.template,
                             "anonymous": survey.anonymous, "active": survey.active, "latest": progress})
            return rows
    finally:
        await db.close()


async def send_survey_now(settings: Settings, survey_id: int) -> tuple[int, int]:
    """Open a round now; returns (round id, invitations queued)."""
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            survey = await session.get(Survey, survey_id)
            if survey is None or not survey.active:
                raise NotFound(f"there is no active survey {survey_id}")
            tenant = await session.get(Tenant, survey.tenant_id)
            assert tenant is not None
            round_ = await send_now(session, survey, tenant)
            assert round_.id is not None
            return round_.id, round_.invited
    finally:
        await db.close()


async def results(settings: Settings, survey_id: int, round_id: int | None, by: list[str]) -> dict[str, Any]:
    """The same suppressed results the API gives."""
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            survey = await session.get(Survey, survey_id)
            if survey is None:
                raise NotFound(f"there is no survey {survey_id}")
            round_ = await session.get(SurveyRound, round_id) if round_id else await latest_round(session, survey_id)
            if round_ is None or round_.survey_id != survey_id:
                raise NotFound(f"survey {survey_id} has no such round")
            limits = await tenant_settings(session, survey.tenant_id, settings)
            return await survey_results(session, survey, round_, by=by, threshold=limits.anonymity_threshold,
                                        t=translator(settings.default_locale))
    finally:
        await db.close()
