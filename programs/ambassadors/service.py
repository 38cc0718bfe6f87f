"""The ambassador rules: one open application per member, a decision made once, the roster."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.errors import UserFacingError
from bot.i18n import N_
from bot.models import Member, Tenant
from programs.ambassadors.models import OPEN, Ambassador, Status
from programs.channels.transition import transition

MAX_MOTIVATION, MAX_AREA, MAX_HOURS = 1000, 100, 160


@dataclass(frozen=True)
class Application:
    """A checked sign-up form."""

    motivation: str
    area: str
    hours_per_month: int


def _text(values: Mapping[str, str | list[str]], key: str) -> str:
    value = values.get(key, "")
    return (value if isinstance(value, str) else " ".join(value)).strip()


def parse_application(values: Mapping[str, str | list[str]]) -> Application:
    """The form's values as an application, refusing the first bad field."""
    motivation, area, hours = _text(values, "motivation"), _text(values, "area"), _text(values, "hours")
    if not motivation or len(motivation) > MAX_MOTIVATION:
        raise UserFacingError(N_("Tell us in up to {limit} characters why you want to be an ambassador."),
                              field="motivation", limit=MAX_MOTIVATION)
    if not area or len(area) > MAX_AREA:
        raise UserFacingError(N_("Name the area you want to champion (up to {limit} characters)."),
                              field="area", limit=MAX_AREA)
    if not hours.isdigit() or not 1 <= int(hours) <= MAX_HOURS:
        raise UserFacingError(N_("Hours a month must be a whole number from 1 to {limit}."),
                              field="hours", limit=MAX_HOURS)
    return Application(motivation, area, int(hours))


async def open_application(session: AsyncSession, member_id: int) -> Ambassador | None:
    """The member's pending application or ambassador role, if any."""
    query = select(Ambassador).where(Ambassador.member_id == member_id, col(Ambassador.status).in_(OPEN))
    return (await session.execute(query.limit(1))).scalars().first()


async def submit_application(session: AsyncSession, member: Member, application: Application) -> Ambassador:
    """Store a pending application (the caller holds the member's row lock)."""
    assert member.id is not None
    if await open_application(session, member.id) is not None:
        raise UserFacingError(N_("You already have an application or the ambassador role."))
    row = Ambassador(tenant_id=member.tenant_id, member_id=member.id, motivation=application.motivation,
                     area=application.area, hours_per_month=application.hours_per_month)
    session.add(row)
    await session.flush()
    return row


@dataclass(frozen=True)
class Decision:
    """What a decision request found: the application afterwards, and whether this request decided it."""

    application: Ambassador
    changed: bool


async def change_status(
    session: AsyncSession, tenant: Tenant, application_id: int, *, expected: str, status: Status,
    by: Member | None, now: dt.datetime, note: str | None = None,
) -> Decision | None:
    """Move an application from `expected` to `status`, at most once; None when it does not exist."""
    assert tenant.id is not None
    values = {"status": status.value, "decided_by_id": by.id if by else None, "decided_at": now, "note": note}
    row, changed = await transition(session, Ambassador, application_id, tenant_id=tenant.id, expected=expected,
                                    values=values)
    return Decision(row, changed) if row is not None else None


async def roster(session: AsyncSession, tenant_id: int) -> Sequence[tuple[Ambassador, Member]]:
    """Approved ambassadors with their members, by area then name."""
    query = (
        select(Ambassador, Member).join(Member, col(Member.id) == Ambassador.member_id)
        .where(Ambassador.tenant_id == tenant_id, Ambassador.status == Status.APPROVED.value)
        .order_by(col(Ambassador.area), col(Member.display_name), col(Ambassador.id))
    )
    return [(a, m) for a, m in (await session.execute(query))]


async def applications(
    session: AsyncSession, tenant_id: int, status: str | None,
) -> Sequence[tuple[Ambassador, Member]]:
    """Every application of the tenant (optionally of one status), newest first."""
    query = select(Ambassador, Member).join(Member, col(Member.id) == Ambassador.member_id).where(
        Ambassador.tenant_id == tenant_id)
    if status:
        query = query.where(Ambassador.status == status)
    return [(a, m) for a, m in (await session.execute(query.order_by(col(Ambassador.id).desc())))]


async def ambassador_member_ids(session: AsyncSession, tenant_id: int) -> list[int]:
    """Member ids holding the ambassador role (the `ambassadors` audience of broadcasts)."""
    query = select(Ambassador.member_id).where(
        Ambassador.tenant_id == tenant_id, Ambassador.status == Status.APPROVED.value)
    return list((await session.execute(query)).scalars().all())
