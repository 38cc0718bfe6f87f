"""`/admin`: the overview — every registered chart, each with its numbers as a table."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.api.deps import SessionDep
from bot.console.registry import Chart, ConsoleRegistry, Value
from bot.console.render import number, page
from bot.console.send_rates import send_rate
from bot.console.session import Viewer
from bot.i18n import Translator
from bot.models import Delivery, Tenant
from bot.shared_metrics import WATCHED

router = APIRouter()


async def delivery_health(session: AsyncSession, tenant_id: int, t: Translator) -> Chart:
    """Outbox deliveries waiting, in flight and failed, per platform and lane, with the tenant's current
    send rate (`/metrics`' `fivefold_send_rate_per_second`) beside them."""
    rows = await session.execute(
        select(Delivery.lane, Delivery.status, func.count())
        .where(Delivery.tenant_id == tenant_id, col(Delivery.status).in_(WATCHED))
        .group_by(col(Delivery.lane), col(Delivery.status))
    )
    tenant = await session.get(Tenant, tenant_id)
    assert tenant is not None
    counts: dict[str, list[Value]] = {}
    for lane, status, count in rows:
        label = f"{tenant.platform} · {lane}"
        counts.setdefault(label, [0] * len(WATCHED))[WATCHED.index(status)] = int(count)
    rate = await send_rate(session, tenant)
    shown = t._("not measured yet") if rate is None else t._("{rate} a second").format(rate=number(rate))
    ordered = sorted(counts.items()) or [(tenant.platform, [0] * len(WATCHED))]  # the rate shows when all is sent
    series = [t._("pending"), t._("in flight"), t._("failed")]
    return Chart(title=t._("Delivery health"), series=series, rows=ordered, note=t._("current send rate"),
                 notes=[shown] * len(ordered))


@router.get("")
async def overview(request: Request, viewer: Viewer, session: SessionDep) -> HTMLResponse:
    """Every chart the engine and the programs registered."""
    registry: ConsoleRegistry = request.app.state.console
    assert viewer.tenant.id is not None
    charts = [await source(session, viewer.tenant.id, viewer.t) for source in registry.charts_for(viewer.role)]
    return page(request, viewer, "overview.html", charts=charts)
