"""Ambassador applications and the roster in the console, decided through the ambassadors flows."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.api.deps import SessionDep
from bot.api.errors import ResourceId
from bot.console.models import ConsoleRole
from bot.console.registry import ConsolePage, ConsoleRegistry
from bot.console.render import add_template_folder, page
from bot.console.session import ReviewerChange, ReviewerViewer
from bot.console.users import member_of, record
from bot.i18n import N_
from bot.models import utcnow
from programs.ambassadors.flows import decide
from programs.ambassadors.models import Status
from programs.ambassadors.service import applications, roster

REVIEWERS = frozenset({ConsoleRole.ADMIN, ConsoleRole.REVIEWER})
router = APIRouter()


@router.get("")
async def ambassadors(request: Request, viewer: ReviewerViewer, session: SessionDep) -> HTMLResponse:
    """Pending applications with their decision forms, then the roster by area."""
    assert viewer.tenant.id is not None
    pending = await applications(session, viewer.tenant.id, Status.PENDING.value)
    return page(request, viewer, "ambassadors.html", pending=pending, roster=await roster(session, viewer.tenant.id))


@router.post("/{application_id}/{choice}")
async def decision(application_id: ResourceId, choice: Literal["approve", "decline"], viewer: ReviewerChange,
                   session: SessionDep, note: Annotated[str, Form(max_length=500)] = "") -> Response:
    """Approve or decline a pending application once; the applicant is told."""
    decided = await decide(session, viewer.tenant, application_id, approve=choice == "approve",
                           by=await member_of(session, viewer.user), now=utcnow(), reason=note.strip() or None)
    if decided is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such application")
    if not decided.changed:
        raise HTTPException(status.HTTP_409_CONFLICT, f"this application is {decided.application.status}, not pending")
    action = "ambassador.approved" if choice == "approve" else "ambassador.declined"
    await record(session, viewer.user, action, str(application_id), note=decided.application.note)
    await session.commit()
    return RedirectResponse("/admin/ambassadors", status.HTTP_303_SEE_OTHER)


def register(registry: ConsoleRegistry) -> None:
    """Add the ambassadors page."""
    add_template_folder(Path(__file__).resolve().parent / "templates")
    registry.add_page(ConsolePage("/ambassadors", N_("Ambassadors"), router, REVIEWERS, order=45))
