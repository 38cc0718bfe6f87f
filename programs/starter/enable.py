"""Enabling the starter programme for a tenant, idempotently.

Campaigns are created through `CampaignIn` (so they are exactly what the admin
API would accept) with the Polish and Ukrainian texts in `translations`. The
onboarding track is created once per language (`onboarding.en`, `.pl`, `.uk`):
lessons are short texts with quizzes whose options are button labels, and a
track per language keeps each quiz's options, answer and explanation together;
new members are enrolled in the track in their own language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.broadcasts.models import Broadcast
from bot.i18n import LOCALES, Translator
from bot.models import Tenant
from programs.campaigns.schemas import CampaignIn
from programs.campaigns.service import create_campaign
from programs.instruct.models import Track
from programs.instruct.schemas import LessonIn, QuizIn, TrackIn
from programs.instruct.service import create_track
from programs.starter.campaigns import STARTER_CAMPAIGNS, StarterCampaign
from programs.starter.lessons import LESSONS, TRACK_NAME

PREFIX = "starter."
SEND_AT = dt.time(10, 0)


@dataclass
class StarterResult:
    """What enabling created (keys of rows that already existed are in `existing`)."""

    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)


def _send_day(now: dt.datetime, days: int) -> str:
    """The first weekday at least `days` days after `now`, at 10:00 (each recipient's wall clock)."""
    day = now.date() + dt.timedelta(days=days)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, SEND_AT).isoformat(timespec="minutes")


def campaign_in(starter: StarterCampaign, now: dt.datetime) -> CampaignIn:
    """The starter campaign as the admin API would receive it, with pl/uk translations."""
    first_day = _send_day(now, starter.when if isinstance(starter.when, int) else 0)
    translations = {
        locale: {"header": Translator(locale)._(starter.header), "text": Translator(locale)._(starter.text)}
        for locale in LOCALES if locale != "en"
    }
    return CampaignIn.model_validate({
        "name": starter.name, "lever": starter.lever.value,
        "message": {"header": starter.header, "text": starter.text, "translations": translations},
        "audience": {"kind": "everyone"}, "schedule": starter.schedule(first_day),
    })


def track_in(locale: str) -> TrackIn:
    """The onboarding track in one language: a lesson each working day."""
    t = Translator(locale)
    lessons = [
        LessonIn(title=t._(lesson.title), text=t._(lesson.text), quiz=QuizIn(
            question=t._(lesson.question), options=[t._(option) for option in lesson.options],
            correct=lesson.correct, explanation=t._(lesson.explanation),
        ))
        for lesson in LESSONS
    ]
    return TrackIn(name=t._(TRACK_NAME), locale=locale, onboarding=True, cadence_days=1, send_time="10:00",
                   skip_weekends=True, lessons=lessons)


async def enable_starter(session: AsyncSession, tenant: Tenant, *, now: dt.datetime) -> StarterResult:
    """Create the starter campaigns and onboarding tracks that `tenant` does not have yet."""
    assert tenant.id is not None
    result = StarterResult()
    have = set((await session.execute(
        select(Broadcast.starter_key).where(Broadcast.tenant_id == tenant.id, col(Broadcast.starter_key).is_not(None))
    )).scalars())
    for starter in STARTER_CAMPAIGNS:
        key = PREFIX + starter.key
        if key in have:
            result.existing.append(key)
            continue
        campaign = await create_campaign(session, tenant, campaign_in(starter, now))
        campaign.starter_key = key
        session.add(campaign)
        result.created.append(key)
    tracks = set((await session.execute(
        select(Track.starter_key).where(Track.tenant_id == tenant.id, col(Track.starter_key).is_not(None))
    )).scalars())
    for locale in LOCALES:
        key = f"{PREFIX}onboarding.{locale}"
        if key in tracks:
            result.existing.append(key)
            continue
        await create_track(session, tenant_id=tenant.id, data=track_in(locale), starter_key=key)
        result.created.append(key)
    await session.flush()
    return result
