"""`/api/v1/awards`: award cycles with categories and windows; results once voting has closed."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.api.deps import AdminKey, Principal, ReaderKey, SessionDep
from bot.api.errors import ResourceId, conflict, not_found
from bot.models import Tenant, utcnow
from programs.awards.announce import announce, results_of
from programs.awards.models import AwardCycle
from programs.awards.schemas import AwardIn, AwardOut, CategoryOut, CategoryResult, Standing
from programs.awards.service import categories_of, create_cycle, results_public, winners

router = APIRouter(prefix="/api/v1/awards", tags=["awards"])


async def _out(session: AsyncSession, cycle: AwardCycle) -> AwardOut:
    assert cycle.id is not None
    categories = [CategoryOut(id=c.id, name=c.name) for c in await categories_of(session, cycle.id) if c.id]
    return AwardOut(id=cycle.id, name=cycle.name, timezone=cycle.timezone, nominations_open=cycle.nominations_open,
                    nominations_close=cycle.nominations_close, voting_open=cycle.voting_open,
                    voting_close=cycle.voting_close, announced_at=cycle.announced_at, categories=categories)


async def _owned(session: AsyncSession, key: Principal, cycle_id: int) -> AwardCycle:
    cycle = await session.get(AwardCycle, cycle_id)
    if cycle is None or cycle.tenant_id != key.tenant_id:
        raise not_found("award cycle")
    return cycle


async def _tenant(session: AsyncSession, key: Principal) -> Tenant:
    tenant = await session.get(Tenant, key.tenant_id)
    assert tenant is not None  # an API key's tenant is a foreign key
    return tenant


@router.post("", status_code=status.HTTP_201_CREATED)
async def create(data: AwardIn, session: SessionDep, key: AdminKey) -> AwardOut:
    """Create a cycle: windows in its local time zone; categories default to the values and "Customer hero"."""
    return await _out(session, await create_cycle(session, await _tenant(session, key), data))


@router.get("")
async def list_cycles(session: SessionDep, key: ReaderKey) -> list[AwardOut]:
    """The tenant's cycles, newest first."""
    query = select(AwardCycle).where(AwardCycle.tenant_id == key.tenant_id).order_by(col(AwardCycle.id).desc())
    return [await _out(session, cycle) for cycle in (await session.execute(query)).scalars().all()]


@router.get("/{cycle_id}/results")
async def results(cycle_id: ResourceId, session: SessionDep, key: ReaderKey) -> list[CategoryResult]:
    """Each category's standings and winners; counts stay private (409) until voting closes."""
    cycle = await _owned(session, key, cycle_id)
    if not results_public(cycle, utcnow()):
        raise conflict("results are private until voting closes")
    return [
        CategoryResult(category=category.name, winners=[m.external_id for m in winners(rows)],
                       standings=[Standing(member=m.external_id, name=m.name, votes=n) for m, n in rows])
        for category, rows in await results_of(session, cycle)
    ]


@router.post("/{cycle_id}/announce")
async def announce_now(cycle_id: ResourceId, session: SessionDep, key: AdminKey) -> AwardOut:
    """Announce the winners now (the scheduler does it when voting closes); 409 before that or when done."""
    cycle = await _owned(session, key, cycle_id)
    if utcnow() < cycle.voting_close:
        raise conflict("voting has not closed yet")
    if not await announce(session, await _tenant(session, key), cycle, utcnow()):
        raise conflict("the results were already announced")
    return await _out(session, await _owned(session, key, cycle_id))
