"""KPIs in the console: status against target with the trend as a chart and a table; admins add KPIs,
enter values of entered KPIs and owners' comments. Analysts read without owners' identities.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from bot.api.deps import SessionDep
from bot.api.errors import ResourceId
from bot.console.models import ConsoleRole
from bot.console.registry import Chart, ConsolePage, ConsoleRegistry, Value
from bot.console.render import add_template_folder, page
from bot.console.session import AdminChange, SignedIn, Viewer
from bot.console.users import record
from bot.i18n import N_, Translator
from bot.models import utcnow
from bot.tenant_settings import tenant_settings
from programs.kpis.models import Kpi
from programs.kpis.schemas import KpiIn, ValueIn
from programs.kpis.service import (
    MAX_COMMENT,
    KpiRefused,
    add_comment,
    create_kpi,
    history,
    is_computed,
    put_values,
    standings,
)
from programs.kpis.status import trend_of

READERS = frozenset({ConsoleRole.ADMIN, ConsoleRole.ANALYST})
STATUS = {"met": N_("met"), "close": N_("close"), "missed": N_("missed"), "no_data": N_("no data")}
TREND = {"up": N_("up"), "down": N_("down"), "flat": N_("flat")}
SOURCES = {"entered": N_("entered by hand"), "enps": N_("eNPS (surveys)"),
           "survey_participation": N_("survey participation"), "kudos_per_active_member": N_("kudos per member"),
           "active_ambassadors": N_("active ambassadors"), "stories_published": N_("stories published"),
           "customer_nps": N_("customer NPS")}
NEW_FIELDS = ("name", "unit", "target", "direction", "owner", "source")
router = APIRouter()


def _problems(exc: ValidationError) -> list[str]:
    return [f"{'.'.join(str(part) for part in error['loc']) or 'form'}: {error['msg']}" for error in exc.errors()]


def _text(form: FormData, name: str) -> str:
    return str(form.get(name) or "").strip()


async def _page(request: Request, viewer: SignedIn, session: AsyncSession, problems: list[str] | None = None,
                fields: dict[str, str] | None = None) -> HTMLResponse:
    if viewer.role not in READERS:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only an admin or an analyst may read KPIs")
    assert viewer.tenant.id is not None
    settings = request.app.state.runtime.settings
    threshold = (await tenant_settings(session, viewer.tenant.id, settings)).anonymity_threshold
    now, shown = utcnow(), []
    for row in await standings(session, viewer.tenant.id, now, threshold=threshold):
        points = await history(session, row.kpi, now, threshold=threshold)
        title = viewer.t._("{kpi}: trend (target {target})").format(kpi=row.kpi.name,
                                                                   target=f"{row.kpi.target:g}{row.kpi.unit}")
        shown.append({"row": row, "computed": is_computed(row.kpi), "trend": trend_of(row.latest, row.previous),
                      "owner": row.owner.name if row.owner and viewer.is_admin else None,
                      "chart": Chart(title=title, series=[viewer.t._("Value")],
                                     rows=[(label, [value]) for label, value in points])})
    code = status.HTTP_422_UNPROCESSABLE_CONTENT if problems else status.HTTP_200_OK
    return page(request, viewer, "kpis.html", code, kpis=shown, problems=problems or [], labels=STATUS,
                trends=TREND, sources=SOURCES, max_comment=MAX_COMMENT,
                fields=fields or {**dict.fromkeys(NEW_FIELDS, ""), "direction": "higher", "source": "entered"})


async def _owned(session: AsyncSession, viewer: SignedIn, kpi_id: int) -> Kpi:
    kpi = await session.get(Kpi, kpi_id)
    if kpi is None or kpi.tenant_id != viewer.tenant.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such KPI")
    return kpi


def _done(kpi: Kpi) -> Response:
    return RedirectResponse(f"/admin/kpis#kpi-{kpi.id}", status.HTTP_303_SEE_OTHER)


async def kpi_status(session: AsyncSession, tenant_id: int, t: Translator) -> Chart:
    """The overview's chart: every KPI's latest value beside its target, its status in the table (survey KPIs
    read under the tenant's anonymity threshold)."""
    threshold = (await tenant_settings(session, tenant_id)).anonymity_threshold
    rows: list[tuple[str, list[Value]]] = []
    notes: list[str] = []
    for row in await standings(session, tenant_id, utcnow(), threshold=threshold):
        rows.append((row.kpi.name, [row.latest, row.kpi.target]))
        notes.append(t._(STATUS[row.status.value]))
    return Chart(title=t._("KPI status against target"), series=[t._("latest value"), t._("target")], rows=rows,
                 stacked=False, note=t._("status"), notes=notes)


@router.get("")
async def kpis(request: Request, viewer: Viewer, session: SessionDep) -> HTMLResponse:
    """Every KPI against its target, its trend as a chart with its table, and the admins' forms."""
    return await _page(request, viewer, session)


@router.post("/new")
async def create(request: Request, viewer: AdminChange, session: SessionDep) -> Response:
    """Add a KPI through the KPI service (the API's rules), or show every problem."""
    form = await request.form()
    fields = {name: _text(form, name) for name in NEW_FIELDS}
    data: dict[str, Any] = {**fields, "owner": fields["owner"] or None, "target": fields["target"] or None}
    try:
        kpi = await create_kpi(session, viewer.tenant.id or 0, KpiIn.model_validate(data))
    except ValidationError as exc:
        return await _page(request, viewer, session, _problems(exc), fields)
    except KpiRefused as refusal:
        return await _page(request, viewer, session, [f"{refusal.field}: {refusal}"], fields)
    await record(session, viewer.user, "kpi.created", kpi.name, kpi_id=kpi.id)
    await session.commit()
    return _done(kpi)


@router.post("/{kpi_id}/value")
async def enter_value(kpi_id: ResourceId, request: Request, viewer: AdminChange, session: SessionDep) -> Response:
    """Enter (or replace) an entered KPI's value for a period; computed KPIs refuse."""
    kpi = await _owned(session, viewer, kpi_id)
    if is_computed(kpi):
        raise HTTPException(status.HTTP_409_CONFLICT, "this KPI is computed; its values cannot be entered")
    form = await request.form()
    try:
        value = ValueIn.model_validate({"period": _text(form, "period") or None, "value": _text(form, "value") or None})
    except ValidationError as exc:
        return await _page(request, viewer, session, [f"{kpi.name}: {problem}" for problem in _problems(exc)])
    await put_values(session, kpi, [value], utcnow())
    await record(session, viewer.user, "kpi.value_entered", kpi.name, kpi_id=kpi.id,
                 period=value.period.isoformat(), value=value.value)
    await session.commit()
    return _done(kpi)


@router.post("/{kpi_id}/comment")
async def comment(kpi_id: ResourceId, request: Request, viewer: AdminChange, session: SessionDep) -> Response:
    """Store the owner's one-line comment for the next digest."""
    kpi = await _owned(session, viewer, kpi_id)
    text = _text(await request.form(), "comment")
    if not text or len(text) > MAX_COMMENT or "\x00" in text:
        problem = viewer.t._("Write the comment in one line of at most {count} characters.").format(count=MAX_COMMENT)
        return await _page(request, viewer, session, [f"{kpi.name}: {problem}"])
    await add_comment(session, kpi, text)
    await record(session, viewer.user, "kpi.commented", kpi.name, kpi_id=kpi.id)
    await session.commit()
    return _done(kpi)


def register(registry: ConsoleRegistry) -> None:
    """Add the KPI page and the overview's KPI chart."""
    add_template_folder(Path(__file__).resolve().parent / "templates")
    registry.add_page(ConsolePage("/kpis", N_("KPIs"), router, READERS, order=55))
    registry.add_chart(kpi_status, READERS)
