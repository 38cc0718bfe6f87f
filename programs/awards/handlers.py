"""Awards in chat: `/cx nominate` and `/cx vote`."""

from __future__ import annotations

from bot.context import Context
from bot.errors import UserFacingError
from bot.i18n import N_
from bot.interactions import Command, Kind, Reply, Submission
from bot.messages import compose
from bot.router import Router
from programs.awards import cards
from programs.awards.announce import awards_tick
from programs.awards.rules import cycle_in, nominate, vote
from programs.awards.service import categories_of, nominees, open_cycle
from programs.reward.cards import mention


async def nominate_command(ctx: Context, _command: Command) -> Reply:
    """`/cx nominate`: the nomination form of the cycle open for nominations."""
    assert ctx.tenant.id is not None
    cycle = await open_cycle(ctx.session, ctx.tenant.id, ctx.now, voting=False)
    if cycle is None or cycle.id is None:
        raise UserFacingError(N_("Nominations are not open right now."))
    return Reply(form=cards.nominate_form(ctx.t, cycle, await categories_of(ctx.session, cycle.id)))


async def submit_nomination(ctx: Context, submission: Submission) -> Reply:
    """A nomination was submitted."""
    cycle = await cycle_in(ctx, submission.state, voting=False)
    nominee, category = await nominate(ctx, cycle, submission.values)
    return Reply(ephemeral=cards.note(compose(ctx.t._("Thank you! You nominated {name} for “{category}”."),
                                              name=mention(nominee), category=category.name)))


async def vote_command(ctx: Context, _command: Command) -> Reply:
    """`/cx vote`: the ballot of the cycle open for voting (the voter is not on it)."""
    assert ctx.tenant.id is not None
    cycle = await open_cycle(ctx.session, ctx.tenant.id, ctx.now, voting=True)
    if cycle is None or cycle.id is None:
        raise UserFacingError(N_("Voting is not open right now."))
    ballot = []
    for category in await categories_of(ctx.session, cycle.id):
        assert category.id is not None
        people = [m for m in await nominees(ctx.session, category.id) if m.id != ctx.member.id]
        ballot.append((category, people))
    if not any(people for _, people in ballot):
        raise UserFacingError(N_("There is no one to vote for yet."))
    return Reply(form=cards.vote_form(ctx.t, cycle, ballot))


async def submit_vote(ctx: Context, submission: Submission) -> Reply:
    """A ballot was submitted; counts stay private until the announcement."""
    counted = await vote(ctx, await cycle_in(ctx, submission.state, voting=True), submission.values)
    text = ctx.t.ngettext("Your vote in {n} category is in. You can change it until voting closes.",
                          "Your votes in {n} categories are in. You can change them until voting closes.", counted)
    return Reply(ephemeral=cards.note(compose(text)))


def register(router: Router) -> None:
    """Register the awards handlers and the announcement tick."""
    router.on(Kind.COMMAND, "nominate")(nominate_command)
    router.on(Kind.COMMAND, "vote")(vote_command)
    router.on(Kind.SUBMISSION, cards.NOMINATE_FORM)(submit_nomination)
    router.on(Kind.SUBMISSION, cards.VOTE_FORM)(submit_vote)
    router.tick(awards_tick)
