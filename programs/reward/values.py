"""The tenant's kudos values, seeded with the defaults on first use."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from bot.cache import PerDatabaseCache
from bot.db import dialect_of, upsert_insert
from programs.reward.models import DEFAULT_VALUES, KudosValue


@dataclass(frozen=True, slots=True)
class ValueTag:
    """A kudos value as plain data: safe to keep across sessions (ORM rows are not)."""

    id: int
    slug: str


# Holds ValueTags only: an ORM row would be bound to the session that loaded it, and once that
# session rolled back (a refused kudos) every later reader would get DetachedInstanceError.
_cache: PerDatabaseCache[list[ValueTag]] = PerDatabaseCache(ttl=60.0)


async def tenant_values(session: AsyncSession, tenant_id: int) -> Sequence[ValueTag]:
    """The tenant's active values in display order (cached for a minute; defaults when none).

    Only committed rows are cached: defaults seeded here belong to this transaction,
    which may still roll back, so they are returned but not remembered.
    """
    values = await _cache.get(session, tenant_id, lambda: _load_values(session, tenant_id))
    if values:
        return values
    _cache.forget(session, tenant_id)
    await seed_default_values(session, tenant_id)
    return await _load_values(session, tenant_id)


async def _load_values(session: AsyncSession, tenant_id: int) -> list[ValueTag]:
    query = (
        select(KudosValue.id, KudosValue.slug)
        .where(KudosValue.tenant_id == tenant_id, KudosValue.active == True)  # noqa: E712
        .order_by(KudosValue.position, KudosValue.slug)  # type: ignore[arg-type]
    )
    return [ValueTag(id=row.id, slug=row.slug) for row in await session.execute(query)]


async def seed_default_values(session: AsyncSession, tenant_id: int) -> None:
    """Insert the default values (customer-first, ownership, …); safe to repeat."""
    insert = upsert_insert(dialect_of(session))
    rows = [
        {"tenant_id": tenant_id, "slug": slug, "position": index, "active": True}
        for index, slug in enumerate(DEFAULT_VALUES)
    ]
    await session.execute(
        insert(KudosValue).values(rows).on_conflict_do_nothing(index_elements=["tenant_id", "slug"])
    )


async def add_value(session: AsyncSession, tenant_id: int, slug: str) -> None:
    """Add (or bring back) the value `slug`, last in display order."""
    await tenant_values(session, tenant_id)  # the defaults exist before the first change
    rows = (await session.execute(select(KudosValue).where(KudosValue.tenant_id == tenant_id))).scalars().all()
    existing = next((row for row in rows if row.slug == slug), None)
    if existing is None:
        session.add(KudosValue(tenant_id=tenant_id, slug=slug, position=len(rows), active=True))
    else:
        existing.active = True
        session.add(existing)
    await session.flush()
    _cache.forget(session, tenant_id)


async def retire_value(session: AsyncSession, tenant_id: int, slug: str) -> bool:
    """Stop offering `slug` (kudos already tagged keep it); False when the tenant has no such value."""
    row = (await session.execute(
        select(KudosValue).where(KudosValue.tenant_id == tenant_id, KudosValue.slug == slug)
    )).scalar_one_or_none()
    if row is None:
        return False
    row.active = False
    session.add(row)
    await session.flush()
    _cache.forget(session, tenant_id)
    return True
