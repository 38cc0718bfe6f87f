"""The Engage ticks: open scheduled rounds, flush anonymity pools, remind non-responders, close rounds.

Each runs on the scheduler leader in its own transaction; every row it writes
is keyed, so a repeated tick changes nothing.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.context import zone_of
from bot.i18n import translator
from bot.models import Delivery, DeliveryStatus, Lane, Member, TargetKind, Tenant
from bot.outbox import enqueue
from bot.router import Router
from bot.settings import Settings, get_settings
from bot.tenant_settings import tenant_settings
from programs.engage.models import Participation, Survey, SurveyRound
from programs.engage.pool import flush_pool, pool_sizes, sealer_for
from programs.engage.rounds import open_due_rounds
from programs.engage.summary import send_summary
from programs.engage.views import invitation

BATCH = 2000


async def flush_pools(session: AsyncSession, now: dt.datetime, *, settings: Settings) -> int:
    """Write every pool holding at least its tenant's pool batch (see `TenantSettings.pool_batch`)."""
    sealer, written = sealer_for(settings.secret_key.get_secret_value()), 0
    sizes = await pool_sizes(session)
    rounds = (await session.execute(  # closed: an answer that committed just as its round closed
        select(SurveyRound.id, SurveyRound.tenant_id, SurveyRound.closed_at)
        .where(col(SurveyRound.id).in_(list(sizes)))
    )).all() if sizes else []
    for round_id, tenant_id, closed_at in rounds:
        batch, final = (await tenant_settings(session, tenant_id, settings)).pool_batch, closed_at is not None
        if sizes[round_id] >= batch or final:
            written += await flush_pool(session, sealer, round_id=round_id, threshold=batch, final=final)
    return written


async def send_reminders(session: AsyncSession, now: dt.datetime) -> int:
    """Remind members who have not answered, at their spacing, never at or after the close."""
    rows = (await session.execute(
        select(Participation, SurveyRound, Survey, Member, Tenant)  # type: ignore[call-overload]
        .join(SurveyRound, col(SurveyRound.id) == Participation.round_id)
        .join(Survey, col(Survey.id) == SurveyRound.survey_id)
        .join(Member, col(Member.id) == Participation.member_id)
        .join(Tenant, col(Tenant.id) == SurveyRound.tenant_id)
        .where(col(Participation.responded).is_(False), col(Participation.next_reminder_at) <= now,
               col(SurveyRound.closed_at).is_(None), col(SurveyRound.closes_at) > now)
        .limit(BATCH)
    )).all()
    sent = 0
    for participation, round_, survey, member, tenant in rows:
        assert round_.id is not None and tenant.id is not None
        participation.reminders_sent += 1
        following = now + dt.timedelta(hours=survey.reminder_every_hours)
        more = participation.reminders_sent < survey.reminder_count and following < round_.closes_at
        participation.next_reminder_at = following if more else None
        session.add(participation)
        locale = member.locale or tenant.default_locale
        sent += int(await enqueue(
            session, tenant_id=tenant.id, target_kind=TargetKind.MEMBER, target_id=member.external_id,
            dedupe_key=f"survey:{round_.id}:remind:{member.id}:{participation.reminders_sent}",
            message=invitation(translator(locale), survey, round_, zone_of(member, tenant), reminder=True),
            locale=locale, member_id=member.id, lane=Lane.BROADCAST,
        ))
    return sent


async def close_rounds(session: AsyncSession, now: dt.datetime, *, settings: Settings) -> int:
    """Close rounds whose window has passed: write the last answers, tell the owner."""
    due = (await session.execute(
        select(SurveyRound).where(col(SurveyRound.closed_at).is_(None), col(SurveyRound.closes_at) <= now)
    )).scalars().all()
    for round_ in due:
        await close_round(session, round_, now, settings=settings)
    return len(due)


async def close_round(session: AsyncSession, round_: SurveyRound, now: dt.datetime, *, settings: Settings) -> None:
    """Close one round now (its window passed, or HR closed it early)."""
    assert round_.id is not None
    limits = await tenant_settings(session, round_.tenant_id, settings)
    await flush_pool(session, sealer_for(settings.secret_key.get_secret_value()), round_id=round_.id,
                     threshold=limits.pool_batch, final=True)
    round_.closed_at = min(now, round_.closes_at) if round_.closes_at <= now else now
    session.add(round_)
    await session.execute(  # invitations and reminders not sent yet would only be refused
        update(Delivery).where(col(Delivery.dedupe_key).startswith(f"survey:{round_.id}:"),
                               col(Delivery.status) == DeliveryStatus.PENDING.value,
                               col(Delivery.lane) == Lane.BROADCAST.value)
        .values(status=DeliveryStatus.SKIPPED.value, error="survey closed"))
    await session.flush()
    await send_summary(session, round_, threshold=limits.anonymity_threshold)


def register(router: Router, settings: Settings | None = None) -> None:
    """Register the ticks, bound to the settings (the threshold and the secret key)."""
    settings = settings or get_settings()
    router.tick(open_due_rounds)
    router.tick(partial(flush_pools, settings=settings))
    router.tick(send_reminders)
    router.tick(partial(close_rounds, settings=settings))
