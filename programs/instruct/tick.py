"""The lesson tick: due lessons become outbox deliveries, and enrolments move on.

Runs on the scheduler leader every tick, in one transaction. Each lesson is
enqueued under `lesson:{enrollment}:{lesson}`, its progress row is inserted only
if missing, and the enrolment advances in the same transaction, so a repeated
(or concurrent) tick sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot import outbox
from bot.context import zone_of
from bot.db import dialect_of, upsert_insert
from bot.i18n import translator
from bot.models import Lane, Member, TargetKind, Tenant
from programs.instruct.cadence import next_send_at
from programs.instruct.models import Enrollment, Lesson, LessonProgress, Track
from programs.instruct.views import lesson_message

BATCH = 2000  # enrolments per tick; the rest follow on the next tick


async def send_due_lessons(session: AsyncSession, now: dt.datetime) -> int:
    """Enqueue every lesson due by `now`; returns how many deliveries were added."""
    query = (
        select(Enrollment, Track, Member, Tenant)
        .join(Track, col(Track.id) == Enrollment.track_id)
        .join(Member, col(Member.id) == Enrollment.member_id)
        .join(Tenant, col(Tenant.id) == Enrollment.tenant_id)
        .where(col(Enrollment.next_due_at) <= now, col(Enrollment.completed_at).is_(None), col(Track.active))
        .order_by(col(Enrollment.next_due_at)).limit(BATCH)
    )
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        query = query.with_for_update(of=Enrollment, skip_locked=True)
    rows = (await session.execute(query)).all()
    lessons = await _lessons(session, {track.id for _e, track, _m, _t in rows if track.id is not None})
    sent = 0
    for enrollment, track, member, tenant in rows:
        sent += await _advance(session, enrollment, track, member, tenant, lessons.get(track.id or 0, {}), now)
    return sent


async def _lessons(session: AsyncSession, track_ids: set[int]) -> dict[int, dict[int, Lesson]]:
    found: dict[int, dict[int, Lesson]] = defaultdict(dict)
    if track_ids:
        for lesson in (await session.execute(select(Lesson).where(col(Lesson.track_id).in_(track_ids)))).scalars():
            found[lesson.track_id][lesson.position] = lesson
    return found


async def _advance(
    session: AsyncSession, enrollment: Enrollment, track: Track, member: Member, tenant: Tenant,
    lessons: dict[int, Lesson], now: dt.datetime,
) -> int:
    """Send the enrolment's next lesson (if any) and schedule the one after."""
    assert enrollment.id is not None and enrollment.next_due_at is not None
    lesson = lessons.get(enrollment.next_position)
    if member.is_deleted or member.is_bot or lesson is None or lesson.id is None:
        enrollment.next_due_at = None
        if lesson is None:
            enrollment.completed_at = now
        return 0
    locale = member.locale or tenant.default_locale
    message = lesson_message(translator(locale), track=track, lesson=lesson, enrollment_id=enrollment.id,
                             total=len(lessons))
    added = await outbox.enqueue(
        session, tenant_id=enrollment.tenant_id, dedupe_key=f"lesson:{enrollment.id}:{lesson.id}",
        target_kind=TargetKind.MEMBER, target_id=member.external_id, message=message, locale=locale,
        member_id=member.id, due_at=now, lane=Lane.BROADCAST,
    )
    await _record_delivered(session, enrollment.id, lesson.id, now)
    enrollment.next_position += 1
    if enrollment.next_position in lessons:
        enrollment.next_due_at = next_send_at(
            enrollment.next_due_at, now, zone_of(member, tenant), cadence_days=track.cadence_days,
            send_time=track.send_time, skip_weekends=track.skip_weekends,
        )
    else:
        enrollment.next_due_at, enrollment.completed_at = None, now
    session.add(enrollment)
    return int(added)


async def _record_delivered(session: AsyncSession, enrollment_id: int, lesson_id: int, now: dt.datetime) -> None:
    insert = upsert_insert(dialect_of(session))
    await session.execute(
        insert(LessonProgress).values(enrollment_id=enrollment_id, lesson_id=lesson_id, delivered_at=now)
        .on_conflict_do_nothing(index_elements=["enrollment_id", "lesson_id"])
    )


async def lesson_count(session: AsyncSession, track_id: int) -> int:
    """How many lessons a track has."""
    return int((await session.execute(
        select(func.count()).select_from(Lesson).where(Lesson.track_id == track_id)
    )).scalar_one())
