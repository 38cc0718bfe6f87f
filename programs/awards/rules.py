"""Nominating and voting in chat: the windows, no self-nomination or self-vote, known categories."""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import select

from bot.context import Context
from bot.errors import UserFacingError
from bot.i18n import N_
from bot.models import Member
from programs.awards.models import AwardCategory, AwardCycle, Nomination
from programs.awards.service import cast_vote, categories_of, nominees, open_cycle

Values = Mapping[str, str | list[str]]


async def cycle_in(ctx: Context, state: str, *, voting: bool) -> AwardCycle:
    """The cycle the form names, refusing one whose window is not open now."""
    assert ctx.tenant.id is not None
    cycle = await open_cycle(ctx.session, ctx.tenant.id, ctx.now, voting=voting)
    if cycle is None or str(cycle.id) != state:
        raise UserFacingError(N_("Voting is not open right now.") if voting else
                              N_("Nominations are not open right now."))
    return cycle


def _one(values: Values, key: str) -> str:
    value = values.get(key, "")
    return (value[0] if value else "") if isinstance(value, list) else value.strip()


async def nominate(ctx: Context, cycle: AwardCycle, values: Values) -> tuple[Member, AwardCategory]:
    """Record a nomination from the form's values."""
    assert cycle.id is not None and ctx.member.id is not None
    nominee = ctx.members.get(_one(values, "nominee_members"))
    if nominee is None or nominee.is_bot or nominee.is_deleted:
        raise UserFacingError(N_("Choose a colleague to nominate."), field="nominee_members")
    if nominee.id == ctx.member.id:
        raise UserFacingError(N_("You can't nominate yourself."), field="nominee_members")
    category = next((c for c in await categories_of(ctx.session, cycle.id) if str(c.id) == _one(values, "category")),
                    None)
    if category is None or category.id is None:
        raise UserFacingError(N_("Choose one of the categories."), field="category")
    reason = _one(values, "reason")
    if not reason:
        raise UserFacingError(N_("Say in a few words why they deserve it."), field="reason")
    assert nominee.id is not None
    already = await ctx.session.execute(select(Nomination.id).where(
        Nomination.category_id == category.id, Nomination.nominee_id == nominee.id,
        Nomination.nominator_id == ctx.member.id))
    if already.first() is not None:
        raise UserFacingError(N_("You already nominated {name} in this category."), name=nominee.name)
    ctx.session.add(Nomination(category_id=category.id, nominee_id=nominee.id, nominator_id=ctx.member.id,
                               reason=reason[:500]))
    return nominee, category


async def vote(ctx: Context, cycle: AwardCycle, values: Values) -> int:
    """Record the ballot's choices (one per category, replacing earlier ones); returns how many."""
    assert cycle.id is not None and ctx.member.id is not None
    counted = 0
    for category in await categories_of(ctx.session, cycle.id):
        assert category.id is not None
        chosen = _one(values, f"category_{category.id}")
        if not chosen:
            continue
        if chosen == ctx.member.external_id:
            raise UserFacingError(N_("You can't vote for yourself."), field=f"category_{category.id}")
        nominee = next((m for m in await nominees(ctx.session, category.id) if m.external_id == chosen), None)
        if nominee is None or nominee.id is None:
            raise UserFacingError(N_("Vote for one of the nominees."), field=f"category_{category.id}")
        await cast_vote(ctx.session, category.id, ctx.member.id, nominee.id, ctx.now)
        counted += 1
    if not counted:
        raise UserFacingError(N_("Choose someone in at least one category."))
    return counted
