"""The Reward lever in the console: kudos per week by value on the overview, and the company values page."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.api.deps import SessionDep
from bot.console.models import ConsoleRole
from bot.console.registry import Chart, ConsolePage, ConsoleRegistry
from bot.console.render import add_template_folder, page
from bot.console.session import AdminChange, AdminViewer
from bot.console.users import record
from bot.i18n import N_, Translator
from bot.models import utcnow
from programs.reward.models import Kudos, KudosTag, KudosValue
from programs.reward.values import add_value, retire_value, tenant_values

WEEKS = 8
SLUG = re.compile(r"[A-Za-z0-9][\w-]{0,39}")
router = APIRouter()


async def kudos_per_week(session: AsyncSession, tenant_id: int, t: Translator) -> Chart:
    """Kudos given in each of the last eight weeks (Monday first), split by company value."""
    today = utcnow().date()
    first = today - dt.timedelta(days=today.weekday() + 7 * (WEEKS - 1))
    rows = await session.execute(
        select(col(Kudos.given_on), col(KudosValue.slug), func.count())
        .outerjoin(KudosTag, col(KudosTag.kudos_id) == col(Kudos.id))
        .outerjoin(KudosValue, col(KudosValue.id) == col(KudosTag.value_id))
        .where(Kudos.tenant_id == tenant_id, col(Kudos.given_on) >= first)
        .group_by(col(Kudos.given_on), col(KudosValue.slug))
    )
    untagged = t._("no value")
    series = [value.slug for value in await tenant_values(session, tenant_id)] + [untagged]
    weeks = {first + dt.timedelta(weeks=n): [0] * len(series) for n in range(WEEKS)}
    for given_on, slug, count in rows:
        week = given_on - dt.timedelta(days=given_on.weekday())
        name = slug or untagged
        if name not in series:
            series.insert(-1, name)
            for values in weeks.values():
                values.insert(-1, 0)
        weeks[week][series.index(name)] += int(count)
    return Chart(title=t._("Kudos per week by value"), series=series,
                 rows=[(week.isoformat(), values) for week, values in weeks.items()])


@router.get("")
async def values_page(request: Request, viewer: AdminViewer, session: SessionDep) -> HTMLResponse:
    """The company values kudos can be tagged with."""
    assert viewer.tenant.id is not None
    values = await tenant_values(session, viewer.tenant.id)
    return page(request, viewer, "values.html", values=values, problem=None)


@router.post("")
async def add(request: Request, viewer: AdminChange, session: SessionDep,
              slug: Annotated[str, Form(max_length=100)] = "") -> Response:
    """Add a value (`customer-first`: letters, digits, `-` or `_`, up to 40)."""
    assert viewer.tenant.id is not None
    slug = slug.strip().lstrip("#").lower()
    if not SLUG.fullmatch(slug):
        values = await tenant_values(session, viewer.tenant.id)
        return page(request, viewer, "values.html", status.HTTP_422_UNPROCESSABLE_CONTENT, values=values,
                    problem=slug or "-")
    await add_value(session, viewer.tenant.id, slug)
    await record(session, viewer.user, "value.added", slug)
    await session.commit()
    return RedirectResponse("/admin/values", status.HTTP_303_SEE_OTHER)


@router.post("/{slug}/retire")
async def retire(slug: str, viewer: AdminChange, session: SessionDep) -> Response:
    """Stop offering a value; kudos already tagged with it keep it."""
    assert viewer.tenant.id is not None
    if await retire_value(session, viewer.tenant.id, slug[:40]):
        await record(session, viewer.user, "value.retired", slug[:40])
        await session.commit()
    return RedirectResponse("/admin/values", status.HTTP_303_SEE_OTHER)


def register(registry: ConsoleRegistry) -> None:
    """Add the values page and the kudos chart."""
    add_template_folder(Path(__file__).resolve().parent / "templates")
    registry.add_page(ConsolePage("/values", N_("Company values"), router, frozenset({ConsoleRole.ADMIN}), order=70))
    registry.add_chart(kudos_per_week)
