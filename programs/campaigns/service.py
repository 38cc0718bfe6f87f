"""Campaigns on the engine's broadcasts: the lever is the broadcast's `label`."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.broadcasts.models import Broadcast
from bot.broadcasts.service import create_broadcast, update_broadcast
from bot.models import Tenant
from programs.campaigns.schemas import CampaignIn, CampaignPatch


async def create_campaign(session: AsyncSession, tenant: Tenant, data: CampaignIn) -> Broadcast:
    """Store a new, active campaign."""
    return await create_broadcast(session, tenant, name=data.name, label=data.lever.value, message=data.message,
                                  audience=data.audience, schedule=data.schedule)


async def update_campaign(session: AsyncSession, campaign: Broadcast, patch: CampaignPatch) -> Broadcast:
    """Apply the fields `patch` sets (a null never reaches here: the API refuses it)."""
    return await update_broadcast(
        session, campaign, name=patch.name, label=patch.lever.value if patch.lever else None, message=patch.message,
        audience=patch.audience, schedule=patch.schedule, active=patch.active,
    )
