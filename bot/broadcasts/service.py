"""Campaign operations the admin API and the CLI share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.broadcasts.materialise import materialise
from bot.broadcasts.models import Campaign, Occurrence
from bot.broadcasts.schedule import Slot
from bot.broadcasts.schemas import CampaignIn, CampaignPatch
from bot.models import Delivery, DeliveryStatus, Tenant, utcnow


async def create_campaign(session: AsyncSession, tenant: Tenant, data: CampaignIn) -> Campaign:
    """Store a new, active campaign."""
    assert tenant.id is not None
    dumped = data.model_dump(mode="json")
    campaign = Campaign(tenant_id=tenant.id, name=data.name, lever=str(data.lever), message=dumped["message"],
                        audience=dumped["audience"], schedule=dumped["schedule"], created_at=utcnow())
    session.add(campaign)
    await session.flush()
    return campaign


async def update_campaign(session: AsyncSession, campaign: Campaign, patch: CampaignPatch) -> Campaign:
    """Apply the fields present in `patch`."""
    dumped = patch.model_dump(mode="json", exclude_unset=True)
    for field, value in dumped.items():
        setattr(campaign, field, value)
    campaign.updated_at = utcnow()
    session.add(campaign)
    await session.flush()
    return campaign


async def deactivate_campaign(session: AsyncSession, campaign: Campaign) -> int:
    """Stop a campaign; its deliveries not yet sent are skipped. Returns how many."""
    campaign.active = False
    campaign.updated_at = utcnow()
    occurrences = select(Occurrence.id).where(Occurrence.campaign_id == campaign.id)
    result = await session.execute(
        update(Delivery)
        .where(col(Delivery.occurrence_id).in_(occurrences), col(Delivery.status) == DeliveryStatus.PENDING.value)
        .values(status=DeliveryStatus.SKIPPED.value, error="campaign stopped")
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def send_now(session: AsyncSession, campaign: Campaign, tenant: Tenant) -> Occurrence:
    """An extra occurrence of `campaign`, due right away."""
    now = utcnow()
    slot = Slot(key=f"now:{now.isoformat(timespec='microseconds')}", instant=now)
    occurrence = await materialise(session, campaign, tenant, slot, now=now)
    assert occurrence is not None
    return occurrence


async def campaigns_of(session: AsyncSession, tenant_id: int) -> Sequence[Campaign]:
    """The tenant's campaigns, newest first."""
    query = select(Campaign).where(Campaign.tenant_id == tenant_id).order_by(col(Campaign.id).desc())
    return (await session.execute(query)).scalars().all()


async def progress(session: AsyncSession, occurrence_id: int) -> dict[str, Any]:
    """Pending / sent / failed / skipped counts of an occurrence, and why deliveries failed."""
    counts = {status.value: 0 for status in DeliveryStatus}
    rows = await session.execute(
        select(Delivery.status, func.count())
        .where(Delivery.occurrence_id == occurrence_id)
        .group_by(col(Delivery.status))
    )
    for status, count in rows:
        counts[status] = int(count)
    reasons = await session.execute(
        select(Delivery.error, func.count())
        .where(Delivery.occurrence_id == occurrence_id, col(Delivery.status) == DeliveryStatus.FAILED.value)
        .group_by(col(Delivery.error))
    )
    pending = counts.pop(DeliveryStatus.IN_FLIGHT.value) + counts[DeliveryStatus.PENDING.value]
    counts[DeliveryStatus.PENDING.value] = pending
    return {**counts, "total": sum(counts.values()),
            "failures": {str(reason): int(n) for reason, n in reasons}}

