"""`/admin/campaigns`: list, create and edit campaigns, pause and resume them, watch an occurrence's progress."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.api.deps import RolesDep, SessionDep
from bot.api.errors import ResourceId
from bot.broadcasts.audience import Roles
from bot.broadcasts.models import Broadcast, Occurrence
from bot.broadcasts.service import broadcasts_of, deactivate_broadcast, progress, send_now
from bot.broadcasts.upcoming import audience_and_samples, next_sends
from bot.console.render import page
from bot.console.session import AdminChange, AdminViewer, SignedIn, Viewer
from bot.console.users import record
from bot.models import utcnow
from programs.campaigns.console_form import blank_fields, fields_from, fields_of, parse_campaign
from programs.campaigns.levers import Lever
from programs.campaigns.schemas import CampaignPatch
from programs.campaigns.service import create_campaign, update_campaign

router = APIRouter()


async def _owned(session: AsyncSession, viewer: SignedIn, campaign_id: int) -> Broadcast:
    campaign = await session.get(Broadcast, campaign_id)
    if campaign is None or campaign.tenant_id != viewer.tenant.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such campaign")
    return campaign


def _form(request: Request, viewer: SignedIn, fields: dict[str, str], problems: list[str],
          campaign: Broadcast | None = None, **preview: Any) -> HTMLResponse:
    code = status.HTTP_422_UNPROCESSABLE_CONTENT if problems else status.HTTP_200_OK
    return page(request, viewer, "campaign_form.html", code, fields=fields, problems=problems,
                campaign=campaign, levers=list(Lever), **preview)


async def _upcoming(session: AsyncSession, viewer: SignedIn, campaign: Broadcast, roles: Roles) -> dict[str, Any]:
    now = utcnow()
    size, samples = await audience_and_samples(session, campaign, viewer.tenant, now, roles)
    upcoming = [(member, next_sends(campaign, viewer.tenant, member, now)) for member in samples]
    return {"audience_size": size, "upcoming": upcoming}


@router.get("")
async def list_campaigns(request: Request, viewer: Viewer, session: SessionDep) -> HTMLResponse:
    """The tenant's campaigns, newest first."""
    assert viewer.tenant.id is not None
    return page(request, viewer, "campaigns.html", campaigns=await broadcasts_of(session, viewer.tenant.id))


@router.get("/new")
async def new_form(request: Request, viewer: AdminViewer) -> HTMLResponse:
    """An empty campaign form."""
    return _form(request, viewer, blank_fields(), [])


@router.post("/new")
async def create(request: Request, viewer: AdminChange, session: SessionDep, roles: RolesDep) -> Response:
    """Create the campaign, or show the form again with every problem (nothing stored)."""
    fields = fields_of(await request.form())
    data, problems = parse_campaign(fields, roles)
    if data is None:
        return _form(request, viewer, fields, problems)
    campaign = await create_campaign(session, viewer.tenant, data)
    await record(session, viewer.user, "campaign.created", campaign.name, campaign_id=campaign.id)
    await session.commit()
    return RedirectResponse(f"/admin/campaigns/{campaign.id}", status.HTTP_303_SEE_OTHER)


@router.post("/preview")
async def preview(request: Request, viewer: AdminChange, session: SessionDep, roles: RolesDep) -> HTMLResponse:
    """The form again, with the audience size and next sends of what it holds now (nothing is stored)."""
    fields = fields_of(await request.form())
    data, problems = parse_campaign(fields, roles)
    if data is None:
        return _form(request, viewer, fields, problems)
    assert viewer.tenant.id is not None
    dumped = data.model_dump(mode="json")
    draft = Broadcast(tenant_id=viewer.tenant.id, name=data.name, label=data.lever.value, message=dumped["message"],
                      audience=dumped["audience"], schedule=dumped["schedule"], created_at=utcnow())
    return _form(request, viewer, fields, [], **await _upcoming(session, viewer, draft, roles))


@router.get("/{campaign_id}")
async def detail(
    campaign_id: ResourceId, request: Request, viewer: Viewer, session: SessionDep, roles: RolesDep
) -> HTMLResponse:
    """A campaign: audience size, next sends in three members' zones, occurrences and their progress."""
    campaign = await _owned(session, viewer, campaign_id)
    occurrences = (await session.execute(
        select(Occurrence).where(Occurrence.broadcast_id == campaign.id).order_by(col(Occurrence.id).desc()).limit(20)
    )).scalars().all()
    progresses = {occurrence.id: await progress(session, occurrence.id) for occurrence in occurrences
                  if occurrence.id is not None}
    return page(request, viewer, "campaign.html", campaign=campaign, occurrences=occurrences,
                progresses=progresses, **await _upcoming(session, viewer, campaign, roles))


@router.get("/{campaign_id}/edit")
async def edit_form(
    campaign_id: ResourceId, request: Request, viewer: AdminViewer, session: SessionDep
) -> HTMLResponse:
    """The campaign's form, filled in."""
    campaign = await _owned(session, viewer, campaign_id)
    return _form(request, viewer, fields_from(campaign), [], campaign)


@router.post("/{campaign_id}/edit")
async def edit(
    campaign_id: ResourceId, request: Request, viewer: AdminChange, session: SessionDep, roles: RolesDep
) -> Response:
    """Save the edited campaign (the same validation as the admin API)."""
    campaign = await _owned(session, viewer, campaign_id)
    fields = fields_of(await request.form())
    data, problems = parse_campaign(fields, roles, campaign)
    if data is None:
        return _form(request, viewer, fields, problems, campaign)
    await update_campaign(session, campaign, CampaignPatch.model_validate(data.model_dump()))
    await record(session, viewer.user, "campaign.edited", campaign.name, campaign_id=campaign.id)
    await session.commit()
    return RedirectResponse(f"/admin/campaigns/{campaign.id}", status.HTTP_303_SEE_OTHER)


@router.post("/{campaign_id}/pause")
async def pause(campaign_id: ResourceId, viewer: AdminChange, session: SessionDep) -> Response:
    """Stop the campaign: no new occurrences; unsent deliveries are skipped."""
    campaign = await _owned(session, viewer, campaign_id)
    skipped = await deactivate_broadcast(session, campaign)
    await record(session, viewer.user, "campaign.paused", campaign.name, campaign_id=campaign.id, skipped=skipped)
    await session.commit()
    return RedirectResponse(f"/admin/campaigns/{campaign.id}", status.HTTP_303_SEE_OTHER)


@router.post("/{campaign_id}/resume")
async def resume(campaign_id: ResourceId, viewer: AdminChange, session: SessionDep) -> Response:
    """Make the campaign active again; the scheduler picks up its next slots."""
    campaign = await _owned(session, viewer, campaign_id)
    await update_campaign(session, campaign, CampaignPatch(active=True))
    await record(session, viewer.user, "campaign.resumed", campaign.name, campaign_id=campaign.id)
    await session.commit()
    return RedirectResponse(f"/admin/campaigns/{campaign.id}", status.HTTP_303_SEE_OTHER)


@router.post("/{campaign_id}/send-now")
async def send_now_button(
    campaign_id: ResourceId, viewer: AdminChange, session: SessionDep, roles: RolesDep
) -> Response:
    """An extra occurrence, due now; its progress bar fills as the workers deliver."""
    campaign = await _owned(session, viewer, campaign_id)
    if not campaign.active:
        raise HTTPException(status.HTTP_409_CONFLICT, "the campaign is paused; resume it first")
    occurrence = await send_now(session, campaign, viewer.tenant, roles=roles)
    await record(session, viewer.user, "campaign.sent_now", campaign.name, occurrence_id=occurrence.id)
    await session.commit()
    return RedirectResponse(f"/admin/campaigns/{campaign.id}#occurrence-{occurrence.id}", status.HTTP_303_SEE_OTHER)


@router.get("/occurrences/{occurrence_id}/progress")
async def occurrence_progress(occurrence_id: ResourceId, viewer: Viewer, session: SessionDep) -> JSONResponse:
    """Delivery counts of one occurrence (polled by its progress bar)."""
    occurrence = await session.get(Occurrence, occurrence_id)
    if occurrence is None or occurrence.tenant_id != viewer.tenant.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such occurrence")
    return JSONResponse(await progress(session, occurrence_id), headers={"Cache-Control": "no-store"})
