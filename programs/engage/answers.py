"""Recording an answer: one per member per round, refused after close, anonymous ones pooled."""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

from sqlalchemy import bindparam, delete, insert, update
from sqlmodel import col, select

from bot.context import Context
from bot.errors import UserFacingError
from bot.i18n import N_
from bot.models import Delivery, Lane, TargetKind
from bot.outbox import enqueue
from programs.engage.models import Participation, Survey, SurveyResponse, SurveyRound
from programs.engage.pool import new_key, pool_answer, sealer_for
from programs.engage.questions import questions_of
from programs.engage.rounds import invitation_key
from programs.engage.tally import add_to_tally
from programs.engage.views import answered, local_time

PARTICIPATION = Participation.__table__  # type: ignore[attr-defined]
_RESPONDED = (update(PARTICIPATION).where(PARTICIPATION.c.id == bindparam("participation"))
              .values(responded=True, next_reminder_at=None))
STALE = N_("This survey button is no longer valid.")
NOT_INVITED = N_("This survey was not sent to you.")
CLOSED = N_("This survey closed on {time}; answers are no longer accepted.")
ALREADY = N_("You have already answered this survey — thank you! Anonymous answers cannot be changed.")
MISSING = N_("Please answer this question.")


class Invited(NamedTuple):
    """A member's invitation to a round: the survey, the round, their participation, the posted message."""

    survey: Survey
    round: SurveyRound
    participation: Participation
    posted: str | None  # the invitation's platform message id (None while it was never posted)


@functools.cache
def _invited_query() -> Any:
    """Built once: SQLAlchemy then reuses its cache key and compiled form on every answer."""
    return (
        select(Survey, SurveyRound, Participation, Delivery.platform_message_id)
        .join(SurveyRound, col(SurveyRound.survey_id) == Survey.id)
        .join(Participation, col(Participation.round_id) == SurveyRound.id)
        .outerjoin(Delivery, col(Delivery.dedupe_key) == bindparam("invitation"))
        .where(SurveyRound.id == bindparam("round_id"), SurveyRound.tenant_id == bindparam("tenant_id"),
               Participation.member_id == bindparam("member_id"))
    )


async def invited_round(ctx: Context, round_id: int) -> Invited:
    """The round, its survey, the actor's participation and invitation; refuses rounds they were not invited to."""
    assert ctx.member.id is not None
    row = (await ctx.session.execute(_invited_query(), {
        "round_id": round_id, "tenant_id": ctx.tenant.id, "member_id": ctx.member.id,
        "invitation": invitation_key(round_id, ctx.member.id),
    })).first()
    if row is None:
        raise UserFacingError(NOT_INVITED)
    survey, round_, participation, posted = row
    return Invited(survey, round_, participation, posted)


def check_open(ctx: Context, survey: Survey, round_: SurveyRound, participation: Participation) -> None:
    """Refuse answers after close (with the close time on the member's clock) and second anonymous answers."""
    closed = round_.closed_at or (round_.closes_at if round_.closes_at <= ctx.now else None)
    if closed is not None:
        raise UserFacingError(CLOSED, time=local_time(closed, ctx.member_zone()))
    if participation.responded and survey.anonymous:
        raise UserFacingError(ALREADY)


def parse_answers(survey: Survey, raw: dict[str, str]) -> dict[str, Any]:
    """Each question's answer in stored form; refuses a missing or invalid one, naming its field."""
    answers: dict[str, Any] = {}
    for question in questions_of(survey.questions):
        value = question.parse(raw.get(question.key, ""))
        if value is None and not question.optional:
            raise UserFacingError(MISSING if not raw.get(question.key) else STALE, field=question.key)
        if value is not None:
            answers[question.key] = value
    return answers


async def record_answer(ctx: Context, round_id: int, raw: dict[str, str], invited: Invited | None = None) -> Survey:
    """Record the actor's answers to a round, in the interaction's transaction (with its dedupe key).

    `invited` is `invited_round`'s answer when the caller has it already. Four
    statements: the invitation (one query), the sealed pool row (or the attributed
    response), participation, and the invitation's update in the outbox.
    """
    invited = invited or await invited_round(ctx, round_id)
    survey, round_, participation = invited.survey, invited.round, invited.participation
    check_open(ctx, survey, round_, participation)
    answers = parse_answers(survey, raw)
    segment = {"department": ctx.member.department, "location": ctx.member.location, "country": ctx.member.country}
    if survey.anonymous:
        await pool_answer(ctx.session, sealer_for(ctx.settings.secret_key.get_secret_value()), round_id=round_id,
                          segment=segment, answers=answers)
    else:
        await _replace_attributed(ctx, round_id, {"round_id": round_id, "answers": answers, **segment})
    await ctx.session.execute(_RESPONDED, {"participation": participation.id})
    await _replace_invitation(ctx, survey, round_id, invited.posted)
    return survey


async def _replace_attributed(ctx: Context, round_id: int, row: dict[str, Any]) -> None:
    """An attributed answer replaces the member's earlier one (and its counts)."""
    mine = (col(SurveyResponse.round_id) == round_id) & (col(SurveyResponse.member_id) == ctx.member.id)
    earlier = (await ctx.session.execute(select(SurveyResponse).where(mine))).scalars().all()
    if earlier:
        await add_to_tally(ctx.session, [e.model_dump() for e in earlier], sign=-1)
        await ctx.session.execute(delete(SurveyResponse).where(mine))
    await ctx.session.execute(insert(SurveyResponse).values(id=new_key(), member_id=ctx.member.id, **row))
    await add_to_tally(ctx.session, [row])


async def _replace_invitation(ctx: Context, survey: Survey, round_id: int, posted: str | None) -> None:
    """Queue the invitation's in-place update (or, if it was never posted, a short confirmation)."""
    assert ctx.tenant.id is not None and ctx.member.id is not None
    message = answered(ctx.t, survey).model_copy(update={"replaces": posted})
    # one confirmation per answer; an attributed survey's changed answer gets its own
    key = f"survey:{round_id}:answered:{ctx.member.id}:{new_key() if not survey.anonymous else ''}"
    await enqueue(ctx.session, tenant_id=ctx.tenant.id, dedupe_key=key, target_kind=TargetKind.MEMBER,
                  target_id=ctx.member.external_id, member_id=ctx.member.id, locale=ctx.t.locale,
                  message=message, lane=Lane.INTERACTIVE)
