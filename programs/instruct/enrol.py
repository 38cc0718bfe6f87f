"""Enrolling members in tracks (idempotently), and finding the onboarding track."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.context import zone_of
from bot.db import dialect_of, upsert_insert
from bot.i18n import normalize_locale
from bot.models import Member, Tenant
from programs.instruct.cadence import first_send_at
from programs.instruct.models import Enrollment, Track


async def onboarding_track(session: AsyncSession, tenant: Tenant, member: Member) -> Track | None:
    """The tenant's active onboarding track in the member's language.

    Tracks are written in one language each; the member's locale wins, then the
    tenant's default, then the oldest active onboarding track.
    """
    rows = (await session.execute(
        select(Track).where(Track.tenant_id == tenant.id, col(Track.onboarding), col(Track.active))
        .order_by(col(Track.id))
    )).scalars().all()
    for locale in (normalize_locale(member.locale), normalize_locale(tenant.default_locale)):
        for track in rows:
            if locale and track.locale == locale:
                return track
    return rows[0] if rows else None


async def enroll(
    session: AsyncSession, *, tenant: Tenant, track: Track, member: Member, now: dt.datetime
) -> bool:
    """Enrol `member` in `track` with lesson 1 due at their next send time; False if already enrolled."""
    assert tenant.id is not None and track.id is not None and member.id is not None
    due = first_send_at(now, zone_of(member, tenant), send_time=track.send_time, skip_weekends=track.skip_weekends)
    insert = upsert_insert(dialect_of(session))
    statement = (
        insert(Enrollment)
        .values(tenant_id=tenant.id, track_id=track.id, member_id=member.id, next_position=1,
                next_due_at=due, created_at=now)
        .on_conflict_do_nothing(index_elements=["track_id", "member_id"])
        .returning(col(Enrollment.id))
    )
    return (await session.execute(statement)).first() is not None


async def enroll_external_ids(
    session: AsyncSession, *, tenant: Tenant, track: Track, external_ids: list[str], now: dt.datetime
) -> tuple[int, int, list[str]]:
    """Enrol members by platform id; returns (newly enrolled, already enrolled, unknown ids)."""
    wanted = list(dict.fromkeys(external_ids))
    members = (await session.execute(
        select(Member).where(Member.tenant_id == tenant.id, col(Member.external_id).in_(wanted),
                             col(Member.is_deleted).is_(False), col(Member.is_bot).is_(False))
    )).scalars().all()
    found = {member.external_id: member for member in members}
    added = already = 0
    for external_id in wanted:
        member = found.get(external_id)
        if member is None:
            continue
        if await enroll(session, tenant=tenant, track=track, member=member, now=now):
            added += 1
        else:
            already += 1
    return added, already, [external_id for external_id in wanted if external_id not in found]
