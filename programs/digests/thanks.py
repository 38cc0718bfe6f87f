"""The weekly thank-you digest to the announcement channel."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator, translator
from bot.messages import Block, CommandRef, Divider, Header, Message, Plain, Span, Strong, Text, compose
from bot.models import Lane, TargetKind, Tenant
from bot.outbox import Outgoing
from programs.channels.service import programme_settings
from programs.digests.week import Week, week_of
from programs.digests.window import Window
from programs.reward.cards import mention


def _kudos_section(t: Translator, week: Week) -> list[Block]:
    total = t.ngettext("{n} kudos were given this week.", "{n} kudos were given this week.", week.kudos)
    blocks: list[Block] = [Text(spans=compose(total))]
    for board in week.by_value:
        spans: list[Span] = [Strong(text=f"#{board.slug}"), Plain(text=f" — {board.kudos}\n")]
        for rank, (member, count) in enumerate(board.top, 1):
            spans += [Plain(text=f"{rank}. "), mention(member), Plain(text=f" — {count}\n")]
        blocks.append(Text(spans=spans))
    return blocks


def thanks_card(t: Translator, week: Week) -> Message:
    """Kudos by value with each value's leaderboard, new stories and new ambassadors."""
    title = t._("Thank you — this week at a glance")
    blocks: list[Block] = [Header(text=title), *_kudos_section(t, week)]
    if week.stories:
        spans: list[Span] = [Strong(text=t._("New customer stories")), Plain(text="\n")]
        for story, author in week.stories:
            spans += [Plain(text=f"“{story.title}” — "), mention(author), Plain(text=f" #{story.value}\n")]
        blocks += [Divider(), Text(spans=spans)]
    if week.ambassadors:
        spans = [Strong(text=t._("New CX ambassadors")), Plain(text="\n")]
        for application, member in week.ambassadors:
            spans += [mention(member), Plain(text=f" — {application.area}\n")]
        blocks += [Divider(), Text(spans=spans)]
    if not (week.kudos or week.stories or week.ambassadors):
        blocks = [Header(text=title), Text(spans=compose(t._("A quiet week. Thank someone today with {command}."),
                                                         command=CommandRef(name="kudos")))]
    return Message(fallback=title, blocks=blocks)


async def thanks_digest(session: AsyncSession, tenant: Tenant, window: Window, key: str) -> list[Outgoing]:
    """The digest for the announcement channel (none when no channel is set)."""
    assert tenant.id is not None
    channel = (await programme_settings(session, tenant.id)).announcement_channel
    if not channel:
        return []
    t = translator(tenant.default_locale)
    message = thanks_card(t, await week_of(session, tenant.id, window))
    return [Outgoing(tenant_id=tenant.id, dedupe_key=f"{key}:announce", target_kind=TargetKind.CHANNEL,
                     target_id=channel, locale=t.locale, message=message, lane=Lane.BROADCAST)]
