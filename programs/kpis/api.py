"""`/api/v1/kpis`: KPIs, their entered values, and their status against target."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Request, status
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.deps import AdminKey, ReaderKey, SessionDep
from bot.api.errors import ResourceId, invalid, not_found
from bot.models import utcnow
from bot.tenant_settings import tenant_settings
from programs.kpis.models import Kpi
from programs.kpis.schemas import KpiIn, KpiOut, ValueIn
from programs.kpis.service import KpiRefused, create_kpi, kpi_out, put_values, standing, standings

router = APIRouter(prefix="/api/v1/kpis", tags=["kpis"])


async def _threshold(request: Request, session: AsyncSession, tenant_id: int) -> int:
    """The anonymity threshold the tenant's survey KPIs are read under."""
    return (await tenant_settings(session, tenant_id, request.app.state.runtime.settings)).anonymity_threshold


@router.post("", status_code=status.HTTP_201_CREATED)
async def create(data: KpiIn, request: Request, session: SessionDep, key: AdminKey) -> KpiOut:
    """Create a KPI (entered, or computed: kudos_per_active_member, active_ambassadors, stories_published,
    customer_nps, enps, survey_participation)."""
    try:
        kpi = await create_kpi(session, key.tenant_id, data)
    except KpiRefused as refusal:
        raise invalid((refusal.field,), str(refusal)) from refusal
    return kpi_out(await standing(session, kpi, utcnow(), threshold=await _threshold(request, session, key.tenant_id)))


@router.get("")
async def list_kpis(request: Request, session: SessionDep, key: ReaderKey) -> list[KpiOut]:
    """Every KPI with its latest value, the previous one, met / close / missed and the trend."""
    return [kpi_out(row) for row in await standings(session, key.tenant_id, utcnow(),
                                                    threshold=await _threshold(request, session, key.tenant_id))]


@router.put("/{kpi_id}/values")
async def values(
    kpi_id: ResourceId, data: Annotated[list[ValueIn], Body(min_length=1, max_length=500)],
    request: Request, session: SessionDep, key: AdminKey,
) -> KpiOut:
    """Enter values by period (a period entered again is replaced); only for `entered` KPIs."""
    kpi = await session.get(Kpi, kpi_id)
    if kpi is None or kpi.tenant_id != key.tenant_id:
        raise not_found("kpi")
    if kpi.source != "entered":
        raise invalid((), f"this KPI is computed ({kpi.source}); its values cannot be entered")
    await put_values(session, kpi, data, utcnow())
    return kpi_out(await standing(session, kpi, utcnow(), threshold=await _threshold(request, session, key.tenant_id)))
