"""Award cycles in the console: the list, a new cycle (admins), nominations and, once voting closes, results.

Analysts read without identities: they see how many nominations each category has and,
after voting, the vote counts by rank — never who nominated, was nominated or won.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.api.deps import SessionDep
from bot.api.errors import ResourceId
from bot.console.models import ConsoleRole
from bot.console.registry import ConsolePage, ConsoleRegistry
from bot.console.render import add_template_folder, page
from bot.console.session import AdminChange, AdminViewer, SignedIn, Viewer
from bot.console.users import record
from bot.i18n import N_
from bot.models import utcnow
from programs.awards.announce import announce, results_of
from programs.awards.models import AwardCycle
from programs.awards.schemas import AwardIn
from programs.awards.service import categories_of, create_cycle, nominations_of, phase, results_public, winners

READERS = frozenset({ConsoleRole.ADMIN, ConsoleRole.ANALYST})
FIELDS = ("name", "timezone", "categories", "nominations_opens", "nominations_closes", "voting_opens",
          "voting_closes")
PHASES = {"upcoming": N_("not open yet"), "nominating": N_("nominations open"),
          "waiting": N_("waiting for voting"), "voting": N_("voting open"), "closed": N_("voting closed"),
          "announced": N_("announced")}
router = APIRouter()


def _reader(viewer: SignedIn) -> None:
    if viewer.role not in READERS:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only an admin or an analyst may read awards")


def local(moment: dt.datetime, zone: str) -> str:
    """A stored UTC moment as wall-clock time in the cycle's zone."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def parse_cycle(fields: dict[str, str]) -> tuple[AwardIn | None, list[str]]:
    """The form as the API's `AwardIn`, or the problems to show (field: reason)."""
    categories = [line.strip() for line in fields["categories"].splitlines() if line.strip()]
    data = {"name": fields["name"], "timezone": fields["timezone"] or "UTC", "categories": categories or None,
            "nominations": {"opens": fields["nominations_opens"] or None,
                            "closes": fields["nominations_closes"] or None},
            "voting": {"opens": fields["voting_opens"] or None, "closes": fields["voting_closes"] or None}}
    try:
        return AwardIn.model_validate(data), []
    except ValidationError as exc:
        return None, [f"{'.'.join(str(part) for part in error['loc']) or 'form'}: {error['msg']}"
                      for error in exc.errors()]


async def _owned(session: AsyncSession, viewer: SignedIn, cycle_id: int) -> AwardCycle:
    _reader(viewer)
    cycle = await session.get(AwardCycle, cycle_id)
    if cycle is None or cycle.tenant_id != viewer.tenant.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such award cycle")
    return cycle


def _form(request: Request, viewer: SignedIn, fields: dict[str, str], problems: list[str]) -> HTMLResponse:
    code = status.HTTP_422_UNPROCESSABLE_CONTENT if problems else status.HTTP_200_OK
    return page(request, viewer, "award_form.html", code, fields=fields, problems=problems)


@router.get("")
async def cycles(request: Request, viewer: Viewer, session: SessionDep) -> HTMLResponse:
    """The tenant's award cycles, newest first, with their windows in each cycle's zone."""
    _reader(viewer)
    query = select(AwardCycle).where(AwardCycle.tenant_id == viewer.tenant.id).order_by(col(AwardCycle.id).desc())
    found = (await session.execute(query)).scalars().all()
    now = utcnow()
    return page(request, viewer, "awards.html", cycles=[(c, PHASES[phase(c, now)]) for c in found], local=local)


@router.get("/new")
async def new_form(request: Request, viewer: AdminViewer) -> HTMLResponse:
    """An empty cycle form in the tenant's time zone."""
    return _form(request, viewer, {**dict.fromkeys(FIELDS, ""), "timezone": viewer.tenant.default_timezone}, [])


@router.post("/new")
async def create(request: Request, viewer: AdminChange, session: SessionDep) -> Response:
    """Create the cycle through the awards service, or show the form again with every problem."""
    form = await request.form()
    fields = {name: str(form.get(name) or "").strip() for name in FIELDS}
    data, problems = parse_cycle(fields)
    if data is None:
        return _form(request, viewer, fields, problems)
    cycle = await create_cycle(session, viewer.tenant, data)
    await record(session, viewer.user, "award.created", cycle.name, cycle_id=cycle.id)
    await session.commit()
    return RedirectResponse(f"/admin/awards/{cycle.id}", status.HTTP_303_SEE_OTHER)


async def _categories(session: AsyncSession, cycle: AwardCycle, identities: bool) -> list[dict[str, Any]]:
    assert cycle.id is not None
    shown = []
    for category in await categories_of(session, cycle.id):
        assert category.id is not None
        nominations = await nominations_of(session, category.id)
        shown.append({"name": category.name, "count": len(nominations),
                      "nominations": nominations if identities else []})
    return shown


async def _results(session: AsyncSession, cycle: AwardCycle, identities: bool) -> list[dict[str, Any]]:
    shown = []
    for category, rows in await results_of(session, cycle):
        top = winners(rows)
        shown.append({"name": category.name, "rows": [
            {"name": member.name if identities else None, "votes": votes, "winner": member in top}
            for member, votes in rows]})
    return shown


@router.get("/{cycle_id}")
async def cycle_page(cycle_id: ResourceId, request: Request, viewer: Viewer, session: SessionDep) -> HTMLResponse:
    """A cycle's windows, categories and nominations; its results once voting has closed."""
    cycle = await _owned(session, viewer, cycle_id)
    now, identities = utcnow(), viewer.is_admin
    results = await _results(session, cycle, identities) if results_public(cycle, now) else None
    return page(request, viewer, "award.html", cycle=cycle, phase=PHASES[phase(cycle, now)], local=local,
                categories=await _categories(session, cycle, identities), results=results)


@router.post("/{cycle_id}/announce")
async def announce_now(cycle_id: ResourceId, viewer: AdminChange, session: SessionDep) -> Response:
    """Announce the winners now (the scheduler does it when voting closes); 409 before that or when done."""
    cycle = await _owned(session, viewer, cycle_id)
    if not results_public(cycle, utcnow()):
        raise HTTPException(status.HTTP_409_CONFLICT, "voting has not closed yet")
    if not await announce(session, viewer.tenant, cycle, utcnow()):
        raise HTTPException(status.HTTP_409_CONFLICT, "the results were already announced")
    await record(session, viewer.user, "award.announced", cycle.name, cycle_id=cycle.id)
    await session.commit()
    return RedirectResponse(f"/admin/awards/{cycle.id}", status.HTTP_303_SEE_OTHER)


def register(registry: ConsoleRegistry) -> None:
    """Add the awards page."""
    add_template_folder(Path(__file__).resolve().parent / "templates")
    registry.add_page(ConsolePage("/awards", N_("Awards"), router, READERS, order=50))
