"""`/admin`: the overview — every registered chart, each with its numbers as a table."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.api.deps import SessionDep
from bot.console.registry import Chart, ConsoleRegistry
from bot.console.render import page
from bot.console.session import Viewer
from bot.i18n import Translator
from bot.models import Delivery, DeliveryStatus, Tenant

router = APIRouter()
WATCHED = (DeliveryStatus.PENDING, DeliveryStatus.IN_FLIGHT, DeliveryStatus.FAILED)


async def delivery_health(session: AsyncSession, tenant_id: int, t: Translator) -> Chart:
    """Outbox deliveries waiting, in flight and failed, per platform and lane."""
    rows = await session.execute(
        select(Tenant.platform, Delivery.lane, Delivery.status, func.count())
        .join(Tenant, col(Tenant.id) == col(Delivery.tenant_id))
        .where(Delivery.tenant_id == tenant_id, col(Delivery.status).in_([s.value for s in WATCHED]))
        .group_by(col(Tenant.platform), col(Delivery.lane), col(Delivery.status))
    )
    counts: dict[str, list[int]] = {}
    for platform, lane, status, count in rows:
        label = f"{platform} · {lane}"
        counts.setdefault(label, [0] * len(WATCHED))[[s.value for s in WATCHED].index(status)] = int(count)
    series = [t._("pending"), t._("in flight"), t._("failed")]
    return Chart(title=t._("Delivery health"), series=series, rows=sorted(counts.items()))


@router.get("")
async def overview(request: Request, viewer: Viewer, session: SessionDep) -> HTMLResponse:
    """Every chart the engine and the programs registered."""
    registry: ConsoleRegistry = request.app.state.console
    assert viewer.tenant.id is not None
    charts = [await source(session, viewer.tenant.id, viewer.t) for source in registry.charts]
    return page(request, viewer, "overview.html", charts=charts)
