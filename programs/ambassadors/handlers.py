"""The ambassador programme in chat: `/cx ambassador`, the form, review buttons, the roster."""

from __future__ import annotations

from bot.context import Context
from bot.errors import UserFacingError
from bot.i18n import N_
from bot.interactions import Action, Command, Kind, Reply, Submission
from bot.messages import compose
from bot.models import Member
from bot.router import Router
from programs.ambassadors import cards
from programs.ambassadors.flows import applicant_of, decide, end_role
from programs.ambassadors.models import Ambassador
from programs.ambassadors.notify import ask_for_review
from programs.ambassadors.service import (
    open_application,
    parse_application,
    roster,
    submit_application,
)
from programs.channels.review import may_review


async def ambassador_command(ctx: Context, _command: Command) -> Reply:
    """`/cx ambassador`: the sign-up form, or the member's application or role."""
    assert ctx.member.id is not None
    current = await open_application(ctx.session, ctx.member.id)
    if current is not None:
        return Reply(ephemeral=cards.your_status(ctx.t, current))
    return Reply(form=cards.signup_form(ctx.t))


async def submit_signup(ctx: Context, submission: Submission) -> Reply:
    """The sign-up form was submitted: store it and ask the reviewers."""
    application = await submit_application(ctx.session, ctx.member, parse_application(submission.values))
    await ask_for_review(ctx.session, ctx.tenant, ctx.member, application)
    return Reply(ephemeral=cards.note(compose(ctx.t._(
        "Thank you! Your application is with the reviewers; you will hear from us."))))


def _application_id(action: Action) -> int:
    if not action.value.isdigit() or not 0 < int(action.value) < 2**31:
        raise UserFacingError(N_("That application no longer exists."))
    return int(action.value)


async def review_click(ctx: Context, action: Action) -> Reply:
    """Approve or Decline: decides once; every reviewer who clicks sees the outcome."""
    if not await may_review(ctx.session, ctx.member, action.channel_id):
        raise UserFacingError(N_("Only ambassador reviewers can decide applications."))
    application_id = _application_id(action)
    own = await ctx.session.get(Ambassador, application_id)
    if own is not None and own.member_id == ctx.member.id:
        raise UserFacingError(N_("You can't decide your own application; another reviewer will."))
    decision = await decide(ctx.session, ctx.tenant, application_id,
                            approve=action.action_id == cards.APPROVE, by=ctx.member, now=ctx.now)
    if decision is None:
        raise UserFacingError(N_("That application no longer exists."))
    application = decision.application
    decided_by = await ctx.session.get(Member, application.decided_by_id) if application.decided_by_id else None
    applicant = await applicant_of(ctx.session, application)
    return Reply(ephemeral=cards.outcome_for_reviewer(ctx.t, applicant, decided_by, application, decision.changed))


async def step_down(ctx: Context, action: Action) -> Reply:
    """The Step down button: the member leaves the ambassador role."""
    assert ctx.member.id is not None
    current = await open_application(ctx.session, ctx.member.id)
    if current is None or current.id is None or str(current.id) != action.value:
        raise UserFacingError(N_("You are not a CX ambassador at the moment."))
    await end_role(ctx.session, ctx.tenant, current.id, stepped_down=True, by=ctx.member, now=ctx.now)
    return Reply(ephemeral=cards.role_ended(ctx.t, stepped_down=True))


async def roster_command(ctx: Context, _command: Command) -> Reply:
    """`/cx ambassadors`: the roster by area."""
    assert ctx.tenant.id is not None
    return Reply(ephemeral=cards.roster_message(ctx.t, await roster(ctx.session, ctx.tenant.id)))


def register(router: Router) -> None:
    """Register the ambassador handlers."""
    router.on(Kind.COMMAND, "ambassador")(ambassador_command)
    router.on(Kind.COMMAND, "ambassadors")(roster_command)
    router.on(Kind.SUBMISSION, cards.FORM_ID)(submit_signup)
    router.on(Kind.ACTION, cards.APPROVE)(review_click)
    router.on(Kind.ACTION, cards.DECLINE)(review_click)
    router.on(Kind.ACTION, cards.STEP_DOWN)(step_down)
