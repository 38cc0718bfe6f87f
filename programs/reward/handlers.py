"""The Reward lever's handlers: `/kudos`, shortcuts, the form, reactions, stats, home."""

from __future__ import annotations

from bot.context import Context
from bot.interactions import Action, Command, Event, Kind, Reaction, Reply, Submission
from bot.router import Router
from programs.reward import cards, views
from programs.reward.kudos import KudosRequest, already_given, give_kudos, take_back
from programs.reward.parse import parse_kudos_text
from programs.reward.stats import leaderboard, member_stats
from programs.reward.values import tenant_values


async def kudos_command(ctx: Context, command: Command) -> Reply:
    """`/kudos @a [@b …] message [#value …]`."""
    parsed = parse_kudos_text(command.text)
    gift = await give_kudos(ctx, KudosRequest(
        receiver_ids=command.mentions, message=parsed.message, values=parsed.values,
        channel_id=command.channel_id, source="command",
    ))
    return Reply(ephemeral=cards.giver_receipt(ctx.t, gift.receivers, gift.allowance_left))


async def open_kudos_form(ctx: Context, action: Action) -> Reply:
    """Shortcuts and buttons: open the give-kudos form (pre-filled with a message's author)."""
    assert ctx.tenant.id is not None
    values = [v.slug for v in await tenant_values(ctx.session, ctx.tenant.id)]
    receivers = [action.message_author_id] if action.message_author_id else []
    form = views.kudos_form(ctx.t, values, receivers=receivers, state=action.channel_id or "")
    return Reply(form=form)


def _as_list(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else value


async def submit_kudos_form(ctx: Context, submission: Submission) -> Reply:
    """The give-kudos form was submitted."""
    message = submission.values.get("message", "")
    gift = await give_kudos(ctx, KudosRequest(
        receiver_ids=_as_list(submission.values.get("kudos_members")),
        message=message if isinstance(message, str) else " ".join(message),
        values=_as_list(submission.values.get("values")),
        channel_id=submission.state or None, source="form",
    ))
    return Reply(ephemeral=cards.giver_receipt(ctx.t, gift.receivers, gift.allowance_left))


async def reaction(ctx: Context, event: Reaction) -> Reply:
    """The kudos emoji on a message gives its author kudos; removing it takes them back."""
    if event.emoji != ctx.limits.kudos_emoji:
        return Reply()
    source_ref = f"{event.channel_id}:{event.message_ref}"
    if not event.added:
        await take_back(ctx, receiver_external_id=event.item_author_id, source_ref=source_ref)
        return Reply()
    receiver = ctx.members.get(event.item_author_id)
    if receiver is not None and await already_given(ctx, receiver, source_ref):
        return Reply()  # the same reaction again under another event id: given once already
    gift = await give_kudos(ctx, KudosRequest(
        receiver_ids=[event.item_author_id], message=ctx.t._("Kudos for this message"),
        values=[], channel_id=None, source="reaction", source_ref=source_ref,
    ))
    return Reply(ephemeral=cards.giver_receipt(ctx.t, gift.receivers, gift.allowance_left))


async def stats_command(ctx: Context, _command: Command) -> Reply:
    """`/cx stats`."""
    return Reply(ephemeral=views.stats_message(ctx.t, await member_stats(ctx, ctx.member)))


async def leaderboard_command(ctx: Context, _command: Command) -> Reply:
    """`/cx leaderboard`."""
    return Reply(ephemeral=views.leaderboard_message(ctx.t, await leaderboard(ctx)))


async def home_opened(ctx: Context, _event: Event) -> Reply:
    """The App Home tab was opened: publish the member's stats and the leaderboard."""
    stats, board = await member_stats(ctx, ctx.member), await leaderboard(ctx)
    return Reply(home=views.home_message(ctx.t, stats, board))


def register(router: Router) -> None:
    """Register the Reward lever's handlers."""
    router.on(Kind.COMMAND, "kudos")(kudos_command)
    router.on(Kind.COMMAND, "stats")(stats_command)
    router.on(Kind.COMMAND, "leaderboard")(leaderboard_command)
    router.on(Kind.ACTION, "kudos.open_form")(open_kudos_form)
    router.on(Kind.ACTION, "kudos.shortcut")(open_kudos_form)
    router.on(Kind.SUBMISSION, views.FORM_ID)(submit_kudos_form)
    router.on(Kind.REACTION, "reaction")(reaction)
    router.on(Kind.EVENT, "home_opened")(home_opened)
