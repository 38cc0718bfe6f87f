"""Track operations the admin API and the starter programme share."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import case, func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.models import Member, utcnow
from programs.instruct.models import Enrollment, Lesson, LessonProgress, Track
from programs.instruct.schemas import Counts, LessonOut, MemberProgress, TrackIn, TrackOut, TrackPatch
from programs.instruct.views import quiz_of


async def create_track(
    session: AsyncSession, *, tenant_id: int, data: TrackIn, starter_key: str | None = None
) -> Track:
    """Store a track and its lessons, numbered from 1 in the given order."""
    track = Track(tenant_id=tenant_id, name=data.name, locale=data.locale, onboarding=data.onboarding,
                  cadence_days=data.cadence_days, send_time=data.send_time, skip_weekends=data.skip_weekends,
                  starter_key=starter_key, created_at=utcnow())
    session.add(track)
    await session.flush()
    assert track.id is not None
    for position, lesson in enumerate(data.lessons, 1):
        dumped = lesson.model_dump(mode="json")
        session.add(Lesson(track_id=track.id, position=position, title=lesson.title, text=lesson.text,
                           link=dumped["link"], quiz=dumped["quiz"]))
    await session.flush()
    return track


def update_track(track: Track, patch: TrackPatch) -> Track:
    """Apply the fields present in `patch`.

    Deactivating pauses every enrolment (the tick skips inactive tracks); a new
    cadence or send time applies from each member's next lesson after the one due.
    """
    for field, value in patch.model_dump(exclude_unset=True).items():
        if value is not None:
            setattr(track, field, value)
    return track


async def tracks_of(session: AsyncSession, tenant_id: int) -> Sequence[Track]:
    """The tenant's tracks, newest first."""
    query = select(Track).where(Track.tenant_id == tenant_id).order_by(col(Track.id).desc())
    return (await session.execute(query)).scalars().all()


def _sums() -> list[object]:
    def count_if(condition: object) -> object:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)  # type: ignore[arg-type]

    return [
        count_if(col(LessonProgress.delivered_at).is_not(None)),
        count_if(col(LessonProgress.acknowledged_at).is_not(None)),
        count_if(col(LessonProgress.quiz_answer).is_not(None)),
        count_if(col(LessonProgress.quiz_correct).is_(True)),
    ]


async def track_counts(session: AsyncSession, track_id: int) -> Counts:
    """Enrolments, completions and lesson progress summed over the track."""
    enrolled, completed = (await session.execute(
        select(func.count(), func.count(col(Enrollment.completed_at))).where(Enrollment.track_id == track_id)
    )).one()
    delivered, acknowledged, answered, correct = (await session.execute(
        select(*_sums()).select_from(LessonProgress)  # type: ignore[call-overload]
        .join(Enrollment, col(Enrollment.id) == LessonProgress.enrollment_id)
        .where(Enrollment.track_id == track_id)
    )).one()
    return Counts(enrolled=enrolled, completed=completed, delivered=delivered, acknowledged=acknowledged,
                  answered=answered, correct=correct)


async def member_progress(session: AsyncSession, track_id: int) -> list[MemberProgress]:
    """Each enrolled member's progress through the track."""
    rows = (await session.execute(
        select(Member.external_id, Enrollment.next_position, Enrollment.completed_at, *_sums())
        .select_from(Enrollment)
        .join(Member, col(Member.id) == Enrollment.member_id)
        .outerjoin(LessonProgress, col(LessonProgress.enrollment_id) == Enrollment.id)
        .where(Enrollment.track_id == track_id)
        .group_by(col(Member.external_id), col(Enrollment.id), col(Enrollment.next_position),
                  col(Enrollment.completed_at))
        .order_by(Member.external_id)
    )).all()
    return [MemberProgress(member=external_id, next_position=position, completed=done is not None,
                           delivered=int(d), acknowledged=int(a), answered=int(n), correct=int(c))
            for external_id, position, done, d, a, n, c in rows]


async def track_out(session: AsyncSession, track: Track, *, with_members: bool = False) -> TrackOut:
    """The API's view of a track."""
    assert track.id is not None
    lessons = (await session.execute(
        select(Lesson).where(Lesson.track_id == track.id).order_by(col(Lesson.position))
    )).scalars().all()
    return TrackOut(
        id=track.id, name=track.name, locale=track.locale, onboarding=track.onboarding,
        cadence_days=track.cadence_days, send_time=track.send_time, skip_weekends=track.skip_weekends,
        active=track.active, progress=await track_counts(session, track.id),
        lessons=[LessonOut(id=lesson.id or 0, position=lesson.position, title=lesson.title, text=lesson.text,
                           link=lesson.link, quiz=quiz_of(lesson)) for lesson in lessons],
        members=await member_progress(session, track.id) if with_members else None,
    )

