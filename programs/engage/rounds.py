"""Opening a round: who is invited (the campaign audience), when each invitation is due, when it closes.

A round is keyed by (survey, slot) — the programme engine's schedule slots — so a
repeated tick or a second scheduler opens nothing twice; each invitation is an
outbox row keyed by (round, member).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.broadcasts.audience import Roles, resolve_members
from bot.broadcasts.materialise import AUDIENCE, skip_reason
from bot.broadcasts.schedule import Slot, slots_between
from bot.broadcasts.schemas import Schedule
from bot.context import zone_of
from bot.db import dialect_of, upsert_insert
from bot.i18n import translator
from bot.models import Lane, Member, TargetKind, Tenant
from bot.outbox import Outgoing, enqueue_all
from programs.engage.models import Participation, Survey, SurveyRound
from programs.engage.tally import add_cells, invitations
from programs.engage.views import invitation

SCHEDULE: TypeAdapter[Schedule] = TypeAdapter(Schedule)
LEAD = dt.timedelta(minutes=10)
CATCH_UP = dt.timedelta(days=2)
CHUNK = 1000
NO_ROLES = Roles()  # surveys reach the neutral audiences only: the API refuses a role audience


def invitation_key(round_id: int, member_id: int) -> str:
    """The outbox key of a member's invitation to a round."""
    return f"survey:{round_id}:invite:{member_id}"


async def open_round(session: AsyncSession, survey: Survey, tenant: Tenant, slot: Slot,
                     now: dt.datetime) -> SurveyRound | None:
    """Open the slot's round: participation rows and invitations; None when it was opened before."""
    assert survey.id is not None and tenant.id is not None
    members = await resolve_members(session, tenant.id, AUDIENCE.validate_python(survey.audience), now, NO_ROLES)
    schedule = SCHEDULE.validate_python(survey.schedule)
    due = {m.id: max(slot.due_for(zone_of(m, tenant)), now) for m in members
           if not skip_reason(schedule, m, slot.local_date_for(zone_of(m, tenant)))}
    invited = [m for m in members if m.id in due]
    closes_at = max(due.values(), default=now) + dt.timedelta(hours=survey.window_hours)
    opened = await session.execute(
        upsert_insert(dialect_of(session))(SurveyRound).values(
            tenant_id=tenant.id, survey_id=survey.id, slot=slot.key, opened_at=now, closes_at=closes_at,
            invited=len(invited),
        ).on_conflict_do_nothing(index_elements=["survey_id", "slot"]).returning(col(SurveyRound.id))
    )
    round_id = opened.scalar()
    if round_id is None:
        return None
    round_ = await session.get(SurveyRound, round_id)
    assert round_ is not None
    await _invite(session, survey, tenant, round_, invited, due)
    return round_


async def _invite(session: AsyncSession, survey: Survey, tenant: Tenant, round_: SurveyRound,
                  members: Sequence[Member], due: dict[int | None, dt.datetime]) -> None:
    assert round_.id is not None and tenant.id is not None
    every = dt.timedelta(hours=survey.reminder_every_hours)
    rows, outgoing = [], []
    for member in members:
        assert member.id is not None
        at, locale = due[member.id], member.locale or tenant.default_locale
        remind = at + every if survey.reminder_count and at + every < round_.closes_at else None
        rows.append({"round_id": round_.id, "member_id": member.id, "invited_at": at, "responded": False,
                     "reminders_sent": 0, "next_reminder_at": remind})
        outgoing.append(Outgoing(
            tenant_id=tenant.id, dedupe_key=invitation_key(round_.id, member.id), target_kind=TargetKind.MEMBER,
            target_id=member.external_id, member_id=member.id, locale=locale, due_at=at, lane=Lane.BROADCAST,
            message=invitation(translator(locale), survey, round_, zone_of(member, tenant)),
        ))
    await add_cells(session, invitations(round_.id, ((m.department, m.location, m.country) for m in members)))
    for start in range(0, len(rows), CHUNK):
        await session.execute(upsert_insert(dialect_of(session))(Participation).values(rows[start:start + CHUNK])
                              .on_conflict_do_nothing(index_elements=["round_id", "member_id"]))
        await enqueue_all(session, outgoing[start:start + CHUNK])


def now_slot(now: dt.datetime) -> Slot:
    """An extra slot, due right away (`send-now`)."""
    return Slot(key=f"now:{now.isoformat(timespec='microseconds')}", instant=now)


async def open_due_rounds(session: AsyncSession, now: dt.datetime) -> int:
    """Open every scheduled round due by `now` (+ the lead time); returns how many were opened."""
    rows = (await session.execute(
        select(Survey, Tenant).join(Tenant, col(Tenant.id) == Survey.tenant_id).where(col(Survey.active))
    )).all()
    opened = 0
    for survey, tenant in rows:
        start = max(survey.created_at, now - CATCH_UP)
        for slot in slots_between(SCHEDULE.validate_python(survey.schedule), start, now + LEAD):
            if await open_round(session, survey, tenant, slot, now):
                opened += 1
    return opened
