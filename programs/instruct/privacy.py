"""A member's training in their data export; their quiz answers erased when they are forgotten."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.models import Member
from bot.privacy import PersonalData, register_personal_data
from programs.instruct.models import Enrollment, Lesson, LessonProgress, Track


async def export_training(session: AsyncSession, member: Member) -> list[dict[str, Any]]:
    """Each lesson the member was sent: track, lesson, when delivered and acknowledged, their quiz answer."""
    rows = await session.execute(
        select(Track.name, Lesson.title, LessonProgress)
        .join(Enrollment, col(Enrollment.id) == col(LessonProgress.enrollment_id))
        .join(Track, col(Track.id) == col(Enrollment.track_id))
        .join(Lesson, col(Lesson.id) == col(LessonProgress.lesson_id))
        .where(Enrollment.member_id == member.id).order_by(col(LessonProgress.id))
    )
    return [{"track": track, "lesson": title,
             "delivered_at": row.delivered_at.isoformat() if row.delivered_at else None,
             "acknowledged_at": row.acknowledged_at.isoformat() if row.acknowledged_at else None,
             "quiz_answer": row.quiz_answer} for track, title, row in rows]


async def erase_quiz_answers(session: AsyncSession, member: Member) -> None:
    """Drop the member's quiz answers; delivery counts stay."""
    enrollments = select(Enrollment.id).where(Enrollment.member_id == member.id)
    await session.execute(update(LessonProgress).where(col(LessonProgress.enrollment_id).in_(enrollments))
                          .values(quiz_answer=None, quiz_correct=None))


def register() -> None:
    """Join the engine's export and erasure."""
    register_personal_data(PersonalData(name="training", export=export_training, erase=erase_quiz_answers))
