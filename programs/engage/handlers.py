"""The Engage lever's handlers: answer buttons, the survey form, `/cx survey`, open surveys in `/cx stats`."""

from __future__ import annotations

from sqlmodel import col, select

from bot.context import Context
from bot.errors import UserFacingError
from bot.i18n import N_
from bot.interactions import Action, Command, Kind, Reply, Submission
from bot.messages import Message, Plain, Text
from bot.router import Handler, Router
from bot.settings import Settings
from programs.engage import ticks
from programs.engage.answers import STALE, check_open, invited_round, record_answer
from programs.engage.models import Participation, Survey, SurveyRound
from programs.engage.questions import questions_of
from programs.engage.views import ANSWER, FORM_ID, OPEN, answered, invitation, open_surveys, survey_form

NOTHING_OPEN = N_("No survey is waiting for your answer right now.")


def _round_and_rest(value: str) -> tuple[int, str | None]:
    head, _, rest = value.partition(":")
    if not head.isdigit() or len(head) > 9:
        raise UserFacingError(STALE)
    return int(head), (rest if rest != "" else None)


async def press_answer(ctx: Context, action: Action) -> Reply:
    """A scale / Likert / choice button: a one-question survey is answered; otherwise the form opens."""
    round_id, value = _round_and_rest(action.value)
    invited = await invited_round(ctx, round_id)
    survey = invited.survey
    check_open(ctx, survey, invited.round, invited.participation)
    questions = questions_of(survey.questions)
    if value is None or questions[0].parse(value) is None:
        raise UserFacingError(STALE)
    if len(questions) == 1:
        await record_answer(ctx, round_id, {questions[0].key: value}, invited)
        return Reply()
    return Reply(form=survey_form(ctx.t, survey, round_id, answered_first=value))


async def open_form(ctx: Context, action: Action) -> Reply:
    """"Answer": open the whole survey as a form."""
    round_id, _rest = _round_and_rest(action.value)
    survey, round_, participation, _posted = await invited_round(ctx, round_id)
    check_open(ctx, survey, round_, participation)
    return Reply(form=survey_form(ctx.t, survey, round_id))


async def submit_form(ctx: Context, submission: Submission) -> Reply:
    """The survey form was submitted (with the first answer from a button, when one was pressed)."""
    round_id, first = _round_and_rest(submission.state)
    invited = await invited_round(ctx, round_id)
    survey = invited.survey
    raw = {key: value if isinstance(value, str) else ",".join(value) for key, value in submission.values.items()}
    if first is not None:
        raw[questions_of(survey.questions)[0].key] = first
    await record_answer(ctx, round_id, raw, invited)
    return Reply(ephemeral=answered(ctx.t, survey))


async def _open_rounds(ctx: Context) -> list[tuple[Survey, SurveyRound, bool]]:
    rows = (await ctx.session.execute(
        select(Survey, SurveyRound, Participation.responded)
        .join(SurveyRound, col(SurveyRound.survey_id) == Survey.id)
        .join(Participation, col(Participation.round_id) == SurveyRound.id)
        .where(Participation.member_id == ctx.member.id, col(SurveyRound.closed_at).is_(None),
               col(SurveyRound.closes_at) > ctx.now, col(Participation.invited_at) <= ctx.now)
        .order_by(col(SurveyRound.opened_at).desc(), col(SurveyRound.id).desc())
    )).all()
    return [(survey, round_, bool(done)) for survey, round_, done in rows]


async def survey_command(ctx: Context, _command: Command) -> Reply:
    """`/cx survey`: the latest open invitation the member has not answered, again."""
    for survey, round_, done in await _open_rounds(ctx):
        if not done or not survey.anonymous:
            return Reply(ephemeral=invitation(ctx.t, survey, round_, ctx.member_zone()))
    nothing = ctx.t._(NOTHING_OPEN)
    return Reply(ephemeral=Message(fallback=nothing, blocks=[Text(spans=[Plain(text=nothing)])]))


def with_open_surveys(stats: Handler) -> Handler:
    """`/cx stats` (Reward's kudos numbers) followed by the member's open surveys."""

    async def handler(ctx: Context, command: Command) -> Reply:
        reply = await stats(ctx, command)
        if reply.ephemeral is not None:
            blocks = open_surveys(ctx.t, await _open_rounds(ctx), ctx.member_zone())
            reply.ephemeral = reply.ephemeral.model_copy(update={"blocks": [*reply.ephemeral.blocks, *blocks]})
        return reply

    return handler


def register(router: Router, settings: Settings | None = None) -> None:
    """Register the Engage lever's handlers and its ticks (after Reward, whose `stats` it extends)."""
    router.on(Kind.ACTION, ANSWER)(press_answer)
    router.on(Kind.ACTION, OPEN)(open_form)
    router.on(Kind.SUBMISSION, FORM_ID)(submit_form)
    router.on(Kind.COMMAND, "survey")(survey_command)
    router.extend(Kind.COMMAND, "stats", with_open_surveys)
    ticks.register(router, settings)
