"""Decisions shared by the chat and the admin API: approve, decline, step down, remove."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Member, Tenant
from programs.ambassadors.models import Ambassador, Status
from programs.ambassadors.notify import tell_outcome, tell_role_ended
from programs.ambassadors.service import Decision, change_status


async def decide(
    session: AsyncSession, tenant: Tenant, application_id: int, *, approve: bool,
    by: Member | None, now: dt.datetime, reason: str | None = None,
) -> Decision | None:
    """Approve or decline a pending application once; the applicant is told when this call decided it."""
    status = Status.APPROVED if approve else Status.DECLINED
    decision = await change_status(session, tenant, application_id, expected=Status.PENDING.value,
                                   status=status, by=by, now=now, note=reason)
    if decision is not None and decision.changed:
        await tell_outcome(session, tenant, await applicant_of(session, decision.application), decision.application)
    return decision


async def end_role(
    session: AsyncSession, tenant: Tenant, application_id: int, *, stepped_down: bool,
    by: Member | None, now: dt.datetime,
) -> Decision | None:
    """End an ambassador's role (they stepped down, or HR removed them) and thank them."""
    status = Status.STEPPED_DOWN if stepped_down else Status.REMOVED
    decision = await change_status(session, tenant, application_id, expected=Status.APPROVED.value,
                                   status=status, by=by, now=now)
    if decision is not None and decision.changed:
        member = await applicant_of(session, decision.application)
        await tell_role_ended(session, tenant, member, decision.application)
    return decision


async def applicant_of(session: AsyncSession, application: Ambassador) -> Member:
    """The member who applied."""
    member = await session.get(Member, application.member_id)
    assert member is not None  # a foreign key
    return member
