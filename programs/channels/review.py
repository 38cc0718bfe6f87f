"""Who reviews submissions: the review channel, else the listed reviewers, else the workspace admins."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.models import Member, TargetKind, Tenant
from programs.channels.service import programme_settings


@dataclass(frozen=True)
class Recipient:
    """Where a review request goes: a channel, or one reviewer's DM."""

    kind: TargetKind
    target_id: str
    locale: str
    member_id: int | None = None


def _active(tenant_id: int):  # type: ignore[no-untyped-def]
    return select(Member).where(
        Member.tenant_id == tenant_id, col(Member.is_bot).is_(False), col(Member.is_deleted).is_(False)
    )


async def reviewers(session: AsyncSession, tenant_id: int) -> list[Member]:
    """The listed reviewers, or, when none are listed, the workspace's admins and owners."""
    settings = await programme_settings(session, tenant_id)
    query = _active(tenant_id)
    if settings.reviewers:
        query = query.where(col(Member.external_id).in_(settings.reviewers))
    else:
        query = query.where(col(Member.is_admin).is_(True))
    return list((await session.execute(query.order_by(col(Member.id)))).scalars().all())


async def review_recipients(session: AsyncSession, tenant: Tenant) -> list[Recipient]:
    """Where a new application is announced for review."""
    assert tenant.id is not None
    settings = await programme_settings(session, tenant.id)
    if settings.review_channel:
        return [Recipient(TargetKind.CHANNEL, settings.review_channel, tenant.default_locale)]
    return [
        Recipient(TargetKind.MEMBER, member.external_id, member.locale or tenant.default_locale, member.id)
        for member in await reviewers(session, tenant.id)
    ]


async def may_review(session: AsyncSession, member: Member, channel_id: str | None) -> bool:
    """True for a reviewer (or admin), or anyone acting in the configured review channel."""
    settings = await programme_settings(session, member.tenant_id)
    if settings.review_channel and channel_id == settings.review_channel:
        return True
    return member.is_admin or member.external_id in (settings.reviewers or [])
