"""Survey operations the admin API and the CLI share."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.models import Tenant, utcnow
from programs.engage.models import Participation, Survey, SurveyRound
from programs.engage.questions import stored_questions
from programs.engage.rounds import now_slot, open_round
from programs.engage.schemas import RemindersIn, RoundOut, SurveyIn, SurveyOut


async def create_survey(session: AsyncSession, tenant_id: int, data: SurveyIn) -> Survey:
    """Store a new, active survey (a template's questions, or HR's own)."""
    dumped = data.model_dump(mode="json")
    reminders = data.reminders or RemindersIn(count=0, every_hours=24)
    survey = Survey(
        tenant_id=tenant_id, name=data.name, template=data.template, anonymous=data.anonymous,
        questions=stored_questions(data.template, dumped["questions"]), audience=dumped["audience"],
        schedule=dumped["schedule"], window_hours=data.window_hours, reminder_count=reminders.count,
        reminder_every_hours=reminders.every_hours, owner=data.owner, created_at=utcnow(),
    )
    session.add(survey)
    await session.flush()
    return survey


async def send_now(session: AsyncSession, survey: Survey, tenant: Tenant) -> SurveyRound:
    """An extra round of `survey`, invitations due right away."""
    round_ = await open_round(session, survey, tenant, now_slot(utcnow()), utcnow())
    assert round_ is not None
    return round_


async def surveys_of(session: AsyncSession, tenant_id: int) -> Sequence[Survey]:
    """The tenant's surveys, newest first."""
    query = select(Survey).where(Survey.tenant_id == tenant_id).order_by(col(Survey.id).desc())
    return (await session.execute(query)).scalars().all()


async def latest_round(session: AsyncSession, survey_id: int) -> SurveyRound | None:
    """The survey's most recently opened round."""
    return (await session.execute(select(SurveyRound).where(SurveyRound.survey_id == survey_id)
                                  .order_by(col(SurveyRound.opened_at).desc(), col(SurveyRound.id).desc())
                                  .limit(1))).scalars().first()


async def survey_out(session: AsyncSession, survey: Survey) -> SurveyOut:
    """The API's view of a survey."""
    assert survey.id is not None
    latest = await latest_round(session, survey.id)
    return SurveyOut(
        id=survey.id, name=survey.name, template=survey.template, anonymous=survey.anonymous,
        questions=survey.questions, window_hours=survey.window_hours,
        reminders=RemindersIn(count=survey.reminder_count, every_hours=survey.reminder_every_hours),
        active=survey.active, latest_round_id=latest.id if latest else None,
    )


async def round_out(session: AsyncSession, round_: SurveyRound) -> RoundOut:
    """Invited and responded counts of a round (participation, never answers)."""
    assert round_.id is not None
    invited, responded = (await session.execute(
        select(func.count(), func.count().filter(col(Participation.responded)))
        .where(Participation.round_id == round_.id)
    )).one()
    return RoundOut(
        id=round_.id, survey_id=round_.survey_id, opened_at=round_.opened_at.isoformat(),
        closes_at=round_.closes_at.isoformat(),
        closed_at=round_.closed_at.isoformat() if round_.closed_at else None,
        invited=int(invited), responded=int(responded),
        participation=round(100 * int(responded) / int(invited), 1) if invited else None,
    )
