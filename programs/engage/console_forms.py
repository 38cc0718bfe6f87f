"""Creating surveys in the console (from a template or from scratch), opening a round now, closing one (admins).

The form becomes the admin API's `SurveyIn`, so the same rules hold; rounds then open on the
survey's schedule (once or cron, in a time zone) and reminders go to non-responders only.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.deps import SessionDep
from bot.api.errors import ResourceId
from bot.console.render import page
from bot.console.session import AdminChange, AdminViewer, SignedIn
from bot.console.users import record
from bot.models import utcnow
from bot.settings import Settings
from programs.engage.models import Survey, SurveyRound
from programs.engage.schemas import SurveyIn
from programs.engage.service import create_survey, send_now
from programs.engage.ticks import close_round

FIELDS = ("name", "template", "questions", "anonymous", "audience", "departments", "schedule", "at", "cron",
          "timezone", "skip_weekends", "window_hours", "reminder_count", "reminder_every_hours")
KINDS = ("scale_0_10", "likert_1_5", "choice", "text")
router = APIRouter()


def blank_fields(zone: str) -> dict[str, str]:
    """The form for a new survey: a monthly eNPS for everyone, one reminder after two days."""
    return {**dict.fromkeys(FIELDS, ""), "template": "enps", "anonymous": "on", "audience": "everyone",
            "schedule": "recurring", "cron": "0 10 1 * *", "timezone": zone, "skip_weekends": "on",
            "window_hours": "120", "reminder_count": "1", "reminder_every_hours": "48"}


def _question(number: int, line: str) -> dict[str, Any]:
    kind, _colon, rest = line.partition(":")
    if not _colon or kind.strip() not in KINDS:
        raise ValueError(f"questions: line {number}: start with one of {', '.join(KINDS)} and a colon")
    text, *choices = [part.strip() for part in rest.split("|")]
    return {"kind": kind.strip(), "text": text, "choices": choices}


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def survey_data(fields: dict[str, str]) -> dict[str, Any]:
    """The form's fields as the admin API's JSON body.

    Raises:
        ValueError: a question line that names no kind.
    """
    lines = [line.strip() for line in fields["questions"].splitlines() if line.strip()]
    own = not fields["template"]
    zone = fields["timezone"] or "UTC"
    schedule: dict[str, Any] = (
        {"kind": "recurring", "cron": fields["cron"], "timezone": zone,
         "skip_weekends": fields["skip_weekends"] == "on"}
        if fields["schedule"] == "recurring" else {"kind": "once", "at": fields["at"] or None, "timezone": zone})
    audience: dict[str, Any] = ({"kind": "segment", "department": _split(fields["departments"]) or None}
                                if fields["audience"] == "segment" else {"kind": "everyone"})
    return {"name": fields["name"], "template": None if own else fields["template"],
            "questions": [_question(n, line) for n, line in enumerate(lines, start=1)] if own else None,
            "anonymous": fields["anonymous"] == "on", "audience": audience, "schedule": schedule,
            "window_hours": fields["window_hours"] or None,
            "reminders": {"count": fields["reminder_count"] or "0",
                          "every_hours": fields["reminder_every_hours"] or "24"}}


def parse_survey(fields: dict[str, str]) -> tuple[SurveyIn | None, list[str]]:
    """The validated survey, or the problems to show next to the form."""
    try:
        return SurveyIn.model_validate(survey_data(fields)), []
    except ValidationError as exc:
        return None, [f"{'.'.join(str(part) for part in error['loc']) or 'form'}: {error['msg']}"
                      for error in exc.errors()]
    except ValueError as exc:
        return None, [str(exc)]


def _form(request: Request, viewer: SignedIn, fields: dict[str, str], problems: list[str]) -> HTMLResponse:
    code = status.HTTP_422_UNPROCESSABLE_CONTENT if problems else status.HTTP_200_OK
    return page(request, viewer, "survey_form.html", code, fields=fields, problems=problems, kinds=KINDS)


@router.get("/new")
async def new_form(request: Request, viewer: AdminViewer) -> HTMLResponse:
    """An empty survey form."""
    return _form(request, viewer, blank_fields(viewer.tenant.default_timezone), [])


@router.post("/new")
async def create(request: Request, viewer: AdminChange, session: SessionDep) -> Response:
    """Create the survey through the survey service, or show the form again with every problem."""
    form = await request.form()
    fields = {name: str(form.get(name) or "").strip() for name in FIELDS}
    data, problems = parse_survey(fields)
    if data is None:
        return _form(request, viewer, fields, problems)
    assert viewer.tenant.id is not None
    survey = await create_survey(session, viewer.tenant.id, data)
    await record(session, viewer.user, "survey.created", survey.name, survey_id=survey.id,
                 template=survey.template)
    await session.commit()
    return RedirectResponse(f"/admin/surveys/{survey.id}", status.HTTP_303_SEE_OTHER)


async def _owned(session: AsyncSession, viewer: SignedIn, survey_id: int) -> Survey:
    survey = await session.get(Survey, survey_id)
    if survey is None or survey.tenant_id != viewer.tenant.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such survey")
    return survey


@router.post("/{survey_id}/send-now")
async def send_now_button(survey_id: ResourceId, viewer: AdminChange, session: SessionDep) -> Response:
    """Open a round now: invitations go out through the outbox (broadcast lane)."""
    survey = await _owned(session, viewer, survey_id)
    if not survey.active:
        raise HTTPException(status.HTTP_409_CONFLICT, "the survey is not active")
    round_ = await send_now(session, survey, viewer.tenant)
    await record(session, viewer.user, "survey.sent_now", survey.name, survey_id=survey.id, round_id=round_.id,
                 invited=round_.invited)
    await session.commit()
    return RedirectResponse(f"/admin/surveys/{survey.id}?round={round_.id}", status.HTTP_303_SEE_OTHER)


@router.post("/{survey_id}/rounds/{round_id}/close")
async def close_button(survey_id: ResourceId, round_id: ResourceId, request: Request, viewer: AdminChange,
                       session: SessionDep) -> Response:
    """Close a round early: no more answers or reminders; the owner gets the summary."""
    survey = await _owned(session, viewer, survey_id)
    round_ = await session.get(SurveyRound, round_id)
    if round_ is None or round_.survey_id != survey.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "this survey has no such round")
    if round_.closed_at is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "the round is already closed")
    settings: Settings = request.app.state.runtime.settings
    await close_round(session, round_, utcnow(), settings=settings)
    await record(session, viewer.user, "survey.round_closed", survey.name, survey_id=survey.id, round_id=round_id)
    await session.commit()
    return RedirectResponse(f"/admin/surveys/{survey.id}?round={round_id}", status.HTTP_303_SEE_OTHER)
