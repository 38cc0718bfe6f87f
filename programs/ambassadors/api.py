"""`/api/v1/ambassadors`: the roster and applications; approve, decline, remove."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.deps import AdminKey, Principal, ReaderKey, SessionDep
from bot.api.errors import ResourceId, conflict, not_found
from bot.models import Member, Tenant, utcnow
from programs.ambassadors.flows import applicant_of, decide, end_role
from programs.ambassadors.models import Ambassador, Status
from programs.ambassadors.service import Decision, applications

router = APIRouter(prefix="/api/v1/ambassadors", tags=["ambassadors"])
StatusFilter = Literal["pending", "approved", "declined", "stepped_down", "removed", "all"]


class AmbassadorOut(BaseModel):
    """One application (an approved one is an ambassador)."""

    id: int
    member: str
    name: str
    area: str
    hours_per_month: int
    motivation: str
    status: str
    note: str | None
    created_at: dt.datetime
    decided_at: dt.datetime | None


class DeclineIn(BaseModel):
    """Why an application is declined (told to the applicant)."""

    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, min_length=1, max_length=500)


def _out(application: Ambassador, member: Member) -> AmbassadorOut:
    assert application.id is not None
    return AmbassadorOut(
        id=application.id, member=member.external_id, name=member.name, area=application.area,
        hours_per_month=application.hours_per_month, motivation=application.motivation,
        status=application.status, note=application.note, created_at=application.created_at,
        decided_at=application.decided_at,
    )


@router.get("")
async def list_ambassadors(
    session: SessionDep, key: ReaderKey, status: Annotated[StatusFilter, Query()] = "approved",
) -> list[AmbassadorOut]:
    """The roster (approved ambassadors) by default; `?status=pending` for the review queue, `all` for every one."""
    rows = await applications(session, key.tenant_id, None if status == "all" else status)
    return [_out(application, member) for application, member in rows]


async def _tenant(session: AsyncSession, key: Principal) -> Tenant:
    tenant = await session.get(Tenant, key.tenant_id)
    assert tenant is not None  # an API key's tenant is a foreign key
    return tenant


async def _answer(session: AsyncSession, decision: Decision | None, wanted: str) -> AmbassadorOut:
    if decision is None:
        raise not_found("ambassador application")
    if not decision.changed:
        raise conflict(f"this application is {decision.application.status}, not {wanted}")
    return _out(decision.application, await applicant_of(session, decision.application))


@router.post("/{application_id}/approve")
async def approve(application_id: ResourceId, session: SessionDep, key: AdminKey) -> AmbassadorOut:
    """Approve a pending application: the member becomes an ambassador and is welcomed."""
    decision = await decide(session, await _tenant(session, key), application_id, approve=True, by=None, now=utcnow())
    return await _answer(session, decision, Status.PENDING.value)


@router.post("/{application_id}/decline")
async def decline(
    application_id: ResourceId, session: SessionDep, key: AdminKey, data: DeclineIn | None = None,
) -> AmbassadorOut:
    """Decline a pending application; the applicant is told (with the reason, when given)."""
    reason = data.reason if data else None
    decision = await decide(session, await _tenant(session, key), application_id, approve=False, by=None,
                            now=utcnow(), reason=reason)
    return await _answer(session, decision, Status.PENDING.value)


@router.post("/{application_id}/remove")
async def remove(application_id: ResourceId, session: SessionDep, key: AdminKey) -> AmbassadorOut:
    """End an ambassador's role; they are thanked in a DM."""
    decision = await end_role(session, await _tenant(session, key), application_id, stepped_down=False,
                              by=None, now=utcnow())
    return await _answer(session, decision, Status.APPROVED.value)
