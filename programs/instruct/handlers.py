"""The Instruct lever's handlers: enrol new members, "Got it" and quiz answers."""

from __future__ import annotations

from sqlmodel import select

from bot.context import Context
from bot.errors import UserFacingError
from bot.i18n import N_
from bot.interactions import Action, Event, Kind, Reply
from bot.router import Router
from programs.instruct.enrol import enroll, onboarding_track
from programs.instruct.models import Enrollment, Lesson, LessonProgress, Track
from programs.instruct.tick import lesson_count, send_due_lessons
from programs.instruct.views import ACK, QUIZ, ack_message, quiz_feedback, quiz_of

STALE = N_("This lesson button is no longer valid.")


async def member_joined(ctx: Context, _event: Event) -> Reply:
    """A new member joined the workspace: enrol them in the onboarding track."""
    if ctx.member.is_bot or ctx.member.is_deleted:
        return Reply()
    track = await onboarding_track(ctx.session, ctx.tenant, ctx.member)
    if track is not None:
        await enroll(ctx.session, tenant=ctx.tenant, track=track, member=ctx.member, now=ctx.now)
    return Reply()


def _parse(value: str, parts: int) -> list[int]:
    try:
        numbers = [int(part) for part in value.split(":")]
    except ValueError:
        raise UserFacingError(STALE) from None
    if len(numbers) != parts:
        raise UserFacingError(STALE)
    return numbers


async def _own_progress(ctx: Context, enrollment_id: int, lesson_id: int) -> tuple[LessonProgress, Lesson, Track]:
    """The actor's own progress row for a lesson they were sent; refuses anything else."""
    row = (await ctx.session.execute(
        select(LessonProgress, Lesson, Track)
        .join(Enrollment, Enrollment.id == LessonProgress.enrollment_id)  # type: ignore[arg-type]
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)  # type: ignore[arg-type]
        .join(Track, Track.id == Lesson.track_id)  # type: ignore[arg-type]
        .where(LessonProgress.enrollment_id == enrollment_id, LessonProgress.lesson_id == lesson_id,
               Enrollment.member_id == ctx.member.id, Enrollment.tenant_id == ctx.tenant.id)
    )).first()
    if row is None:
        raise UserFacingError(STALE)
    return row


async def acknowledge(ctx: Context, action: Action) -> Reply:
    """"Got it": mark the lesson acknowledged (the first press counts)."""
    enrollment_id, lesson_id = _parse(action.value, 2)
    progress, lesson, track = await _own_progress(ctx, enrollment_id, lesson_id)
    if progress.acknowledged_at is None:
        progress.acknowledged_at = ctx.now
        ctx.session.add(progress)
    last = track.id is not None and lesson.position >= await lesson_count(ctx.session, track.id)
    return Reply(ephemeral=ack_message(ctx.t, last=last, track=track))


async def answer_quiz(ctx: Context, action: Action) -> Reply:
    """A quiz answer button: record the first answer, show feedback privately."""
    enrollment_id, lesson_id, answer = _parse(action.value, 3)
    progress, lesson, _track = await _own_progress(ctx, enrollment_id, lesson_id)
    quiz = quiz_of(lesson)
    if quiz is None or not 0 <= answer < len(quiz.options):
        raise UserFacingError(STALE)
    again = progress.quiz_answer is not None
    if progress.quiz_answer is None:
        progress.quiz_answer, progress.quiz_correct = answer, answer == quiz.correct
        ctx.session.add(progress)
    shown = progress.quiz_answer if progress.quiz_answer is not None else answer
    return Reply(ephemeral=quiz_feedback(ctx.t, quiz, shown, again=again))


def register(router: Router) -> None:
    """Register the Instruct lever's handlers and its lesson tick."""
    router.on(Kind.EVENT, "member_joined")(member_joined)
    router.on(Kind.ACTION, ACK)(acknowledge)
    router.on(Kind.ACTION, QUIZ)(answer_quiz)
    router.tick(send_due_lessons)
