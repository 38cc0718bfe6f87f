"""Stories in chat: `/cx story`, the form, and the reviewers' buttons and forms."""

from __future__ import annotations

from bot.context import Context
from bot.errors import UserFacingError
from bot.i18n import N_
from bot.interactions import Action, Command, Kind, Reply, Submission
from bot.messages import Message, Text, compose, plain_text
from bot.models import Member
from bot.router import Router
from programs.channels.review import may_review
from programs.reward.values import tenant_values
from programs.stories import cards, outcomes
from programs.stories.flows import ask_for_review, author_of, review
from programs.stories.models import Story, StoryStatus
from programs.stories.service import Verdict, parse_draft, parse_edits, submit_story, text_of

VERDICT_OF = {cards.APPROVE: Verdict.APPROVE, cards.CHANGES: Verdict.CHANGES, cards.DECLINE: Verdict.DECLINE}


async def story_command(ctx: Context, _command: Command) -> Reply:
    """`/cx story`: the share-a-story form."""
    assert ctx.tenant.id is not None
    values = [v.slug for v in await tenant_values(ctx.session, ctx.tenant.id)]
    return Reply(form=cards.story_form(ctx.t, values))


async def submit(ctx: Context, submission: Submission) -> Reply:
    """The story form was submitted: store it and ask the reviewers."""
    assert ctx.tenant.id is not None
    draft = await parse_draft(ctx.session, ctx.tenant.id, submission.values)
    story = await submit_story(ctx.session, ctx.member, draft)
    await ask_for_review(ctx.session, ctx.tenant, ctx.member, story)
    spans = compose(ctx.t._("Thank you! Your story is with the reviewers; you will hear from us."))
    return Reply(ephemeral=Message(fallback=plain_text(spans), blocks=[Text(spans=spans)]))


async def _reviewable(ctx: Context, reference: str, channel_id: str | None) -> Story:
    """The story a button or form names (`id:channel`), once the actor may review it."""
    story_id, _, channel = reference.partition(":")
    if not await may_review(ctx.session, ctx.member, channel_id or channel or None):
        raise UserFacingError(N_("Only reviewers can review stories."))
    story = await ctx.session.get(Story, int(story_id)) if story_id.isdigit() and int(story_id) < 2**31 else None
    if story is None or story.tenant_id != ctx.tenant.id:
        raise UserFacingError(N_("That story no longer exists."))
    if story.author_id == ctx.member.id:
        raise UserFacingError(N_("You can't review your own story; another reviewer will."))
    return story


async def _decided(ctx: Context, story: Story, changed: bool) -> Reply:
    by = await ctx.session.get(Member, story.reviewer_id) if story.reviewer_id else None
    return Reply(ephemeral=outcomes.for_reviewer(ctx.t, story, await author_of(ctx.session, story), by, changed))


async def review_button(ctx: Context, action: Action) -> Reply:
    """Approve decides at once; Edit, Ask for changes and Decline open a form first."""
    story = await _reviewable(ctx, action.value, action.channel_id)
    assert story.id is not None
    if story.status != StoryStatus.PENDING:
        return await _decided(ctx, story, changed=False)
    if action.action_id == cards.EDIT:
        return Reply(form=cards.edit_form(ctx.t, story, state=action.value))
    verdict = VERDICT_OF[action.action_id]
    if verdict is not Verdict.APPROVE:
        state = f"{verdict.value}:{action.value}"
        return Reply(form=cards.reason_form(ctx.t, verdict is Verdict.CHANGES, state=state))
    decided, changed = await review(ctx.session, ctx.tenant, story.id, verdict, by=ctx.member, now=ctx.now)
    assert decided is not None
    return await _decided(ctx, decided, changed)


async def submit_edits(ctx: Context, submission: Submission) -> Reply:
    """Edit and approve: the reviewer's edited text is published."""
    story = await _reviewable(ctx, submission.state, None)
    assert story.id is not None
    decided, changed = await review(ctx.session, ctx.tenant, story.id, Verdict.APPROVE, by=ctx.member, now=ctx.now,
                                    note=text_of(submission.values, "note") or None,
                                    edits=parse_edits(submission.values))
    assert decided is not None
    return await _decided(ctx, decided, changed)


async def submit_reason(ctx: Context, submission: Submission) -> Reply:
    """Ask for changes or decline, with the reason the author is told."""
    verdict_name, _, reference = submission.state.partition(":")
    if verdict_name not in (Verdict.CHANGES.value, Verdict.DECLINE.value):
        raise UserFacingError(N_("That story no longer exists."))
    story = await _reviewable(ctx, reference, None)
    assert story.id is not None
    decided, changed = await review(ctx.session, ctx.tenant, story.id, Verdict(verdict_name), by=ctx.member,
                                    now=ctx.now, note=text_of(submission.values, "note"))
    assert decided is not None
    return await _decided(ctx, decided, changed)


def register(router: Router) -> None:
    """Register the stories handlers."""
    router.on(Kind.COMMAND, "story")(story_command)
    router.on(Kind.SUBMISSION, cards.FORM_ID)(submit)
    router.on(Kind.SUBMISSION, cards.EDIT_FORM)(submit_edits)
    router.on(Kind.SUBMISSION, cards.REASON_FORM)(submit_reason)
    for action_id in (cards.APPROVE, cards.EDIT, cards.CHANGES, cards.DECLINE):
        router.on(Kind.ACTION, action_id)(review_button)
