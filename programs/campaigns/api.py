"""`/api/v1/campaigns`: plan, change, stop and send campaigns (admin keys write, analyst keys read)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.deps import AdminKey, Principal, ReaderKey, RolesDep, SessionDep
from bot.api.errors import ResourceId, conflict, invalid, not_found
from bot.broadcasts.audience import Roles
from bot.broadcasts.models import Broadcast
from bot.broadcasts.schemas import Audience, MessageIn, Schedule
from bot.broadcasts.service import broadcasts_of, deactivate_broadcast, send_now
from bot.models import Tenant
from programs.campaigns.levers import Lever
from programs.campaigns.schemas import CampaignIn, CampaignPatch
from programs.campaigns.service import create_campaign, update_campaign

router = APIRouter(prefix="/api/v1/campaigns", tags=["campaigns"])


class CampaignOut(BaseModel):
    """A campaign as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    lever: Lever = Field(validation_alias="label")  # the broadcast's label
    # A stored campaign that no longer passes today's input rules (older data, a hand edit) is
    # shown as stored rather than failing the whole listing; `last_error` then says why.
    message: MessageIn | dict[str, Any]
    audience: Audience | dict[str, Any]
    schedule: Schedule | dict[str, Any]
    active: bool
    created_at: dt.datetime
    updated_at: dt.datetime | None = None
    last_error: str | None = Field(None, description="why the scheduler could not materialise it (null when fine)")
    failed_at: dt.datetime | None = None


class SendNowOut(BaseModel):
    """The occurrence `send-now` created; follow it at `/api/v1/occurrences/{occurrence_id}`."""

    occurrence_id: int


async def _owned(session: AsyncSession, key: Principal, campaign_id: int) -> Broadcast:
    campaign = await session.get(Broadcast, campaign_id)
    if campaign is None or campaign.tenant_id != key.tenant_id:
        raise not_found("campaign")
    return campaign


async def _tenant(session: AsyncSession, key: Principal) -> Tenant:
    tenant = await session.get(Tenant, key.tenant_id)
    assert tenant is not None  # an API key's tenant is a foreign key
    return tenant


def _check_audience(audience: Audience | None, roles: Roles) -> None:
    problem = roles.problem(audience)
    if problem is not None:
        raise invalid(("audience", "kind"), problem)


async def _commit(session: AsyncSession) -> None:
    # The request-scoped session dependency commits only after the response is
    # sent; a write must be durable before the client hears it succeeded.
    await session.commit()


@router.post("", status_code=status.HTTP_201_CREATED)
async def create(data: CampaignIn, session: SessionDep, key: AdminKey, roles: RolesDep) -> CampaignOut:
    """Create an active campaign; the scheduler materialises its occurrences."""
    _check_audience(data.audience, roles)
    campaign = await create_campaign(session, await _tenant(session, key), data)
    await _commit(session)
    return CampaignOut.model_validate(campaign)


@router.get("")
async def list_campaigns(session: SessionDep, key: ReaderKey) -> list[CampaignOut]:
    """The tenant's campaigns, newest first."""
    return [CampaignOut.model_validate(campaign) for campaign in await broadcasts_of(session, key.tenant_id)]


@router.get("/{campaign_id}")
async def get(campaign_id: ResourceId, session: SessionDep, key: ReaderKey) -> CampaignOut:
    """One campaign."""
    return CampaignOut.model_validate(await _owned(session, key, campaign_id))


@router.patch("/{campaign_id}")
async def patch(
    campaign_id: ResourceId, changes: CampaignPatch, session: SessionDep, key: AdminKey, roles: RolesDep
) -> CampaignOut:
    """Change any of name, lever, message, audience, schedule, active.

    Setting `active` to false stops the campaign like `DELETE` does.
    """
    campaign = await _owned(session, key, campaign_id)
    for name in sorted(changes.model_fields_set):
        if getattr(changes, name) is None:
            raise invalid((name,), "may not be null; leave the field out to keep it")
    _check_audience(changes.audience, roles)
    was_active = campaign.active
    await update_campaign(session, campaign, changes)
    if was_active and changes.active is False:
        await deactivate_broadcast(session, campaign)
    await _commit(session)
    return CampaignOut.model_validate(campaign)


@router.delete(
    "/{campaign_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Stop a campaign (a soft stop)",
    responses={204: {"description": "Stopped. The campaign remains, with `active: false`: `GET` still "
                                    "shows it, and `PATCH` with `active: true` starts it again."}},
)
async def delete(campaign_id: ResourceId, session: SessionDep, key: AdminKey) -> Response:
    """Stop the campaign: no new occurrences, and its unsent deliveries are skipped.

    Nothing is deleted: the campaign and its history stay, marked `active: false`.
    """
    await deactivate_broadcast(session, await _owned(session, key, campaign_id))
    await _commit(session)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{campaign_id}/send-now", status_code=status.HTTP_202_ACCEPTED)
async def send_now_endpoint(campaign_id: ResourceId, session: SessionDep, key: AdminKey, roles: RolesDep) -> SendNowOut:
    """An extra occurrence, due now; the workers deliver it."""
    campaign = await _owned(session, key, campaign_id)
    if not campaign.active:
        raise conflict("the campaign is stopped; PATCH it with active=true first")
    occurrence = await send_now(session, campaign, await _tenant(session, key), roles=roles)
    await _commit(session)
    assert occurrence.id is not None
    return SendNowOut(occurrence_id=occurrence.id)
