"""Sending a story for review and acting on the decision (shared by chat and the admin API)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import translator
from bot.models import Lane, Member, TargetKind, Tenant
from bot.outbox import Outgoing, enqueue_all
from programs.channels.review import review_recipients
from programs.channels.service import programme_settings
from programs.stories import cards, outcomes
from programs.stories.models import Story, StoryStatus
from programs.stories.service import Verdict, decide_story


async def ask_for_review(session: AsyncSession, tenant: Tenant, author: Member, story: Story) -> int:
    """Send the story to the review channel, the reviewers or the admins; returns how many."""
    assert tenant.id is not None
    outgoing = [
        Outgoing(tenant_id=tenant.id, dedupe_key=f"story:{story.id}:review:{to.target_id}", target_kind=to.kind,
                 target_id=to.target_id, member_id=to.member_id, locale=to.locale,
                 message=cards.review_request(translator(to.locale), author, story,
                                              to.target_id if to.kind is TargetKind.CHANNEL else ""))
        for to in await review_recipients(session, tenant)
    ]
    await enqueue_all(session, outgoing)
    return len(outgoing)


async def review(
    session: AsyncSession, tenant: Tenant, story_id: int, verdict: Verdict, *, by: Member | None,
    now: dt.datetime, note: str | None = None, edits: dict[str, str] | None = None,
) -> tuple[Story | None, bool]:
    """Decide a pending story once; tell the author why and, when approved, publish it."""
    story, changed = await decide_story(session, tenant, story_id, verdict, by=by, now=now, note=note, edits=edits)
    if story is not None and changed:
        author = await author_of(session, story)
        await _tell_author(session, tenant, author, story)
        if story.status == StoryStatus.APPROVED:
            await _publish(session, tenant, author, story)
    return story, changed


async def author_of(session: AsyncSession, story: Story) -> Member:
    """The member who shared the story."""
    member = await session.get(Member, story.author_id)
    assert member is not None  # a foreign key
    return member


async def _tell_author(session: AsyncSession, tenant: Tenant, author: Member, story: Story) -> None:
    assert tenant.id is not None
    locale = author.locale or tenant.default_locale
    await enqueue_all(session, [Outgoing(
        tenant_id=tenant.id, dedupe_key=f"story:{story.id}:outcome", target_kind=TargetKind.MEMBER,
        target_id=author.external_id, member_id=author.id, locale=locale,
        message=outcomes.for_author(translator(locale), story),
    )])


async def _publish(session: AsyncSession, tenant: Tenant, author: Member, story: Story) -> None:
    assert tenant.id is not None
    settings = await programme_settings(session, tenant.id)
    t = translator(tenant.default_locale)
    await enqueue_all(session, [
        Outgoing(tenant_id=tenant.id, dedupe_key=f"story:{story.id}:publish:{channel}", target_kind=TargetKind.CHANNEL,
                 target_id=channel, locale=t.locale, message=cards.published_card(t, author, story),
                 lane=Lane.BROADCAST)
        for channel in settings.stories_channels or []
    ])
