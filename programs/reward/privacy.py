"""A member's kudos in their data export, and the messages they wrote erased when they are forgotten."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.models import Member
from bot.privacy import PersonalData, register_personal_data
from programs.reward.models import Kudos


async def export_kudos(session: AsyncSession, member: Member) -> dict[str, Any]:
    """Kudos the member gave (with their messages) and received."""
    given = (await session.execute(
        select(Kudos).where(Kudos.giver_id == member.id).order_by(col(Kudos.id))
    )).scalars().all()
    received = (await session.execute(
        select(Kudos).where(Kudos.receiver_id == member.id).order_by(col(Kudos.id))
    )).scalars().all()
    return {
        "given": [{"message": row.message, "given_on": row.given_on.isoformat()} for row in given],
        "received": [{"message": row.message, "given_on": row.given_on.isoformat()} for row in received],
    }


async def erase_kudos(session: AsyncSession, member: Member) -> None:
    """Blank the messages the member wrote; the kudos stay as anonymous counts."""
    await session.execute(update(Kudos).where(col(Kudos.giver_id) == member.id).values(message=""))


def register() -> None:
    """Join the engine's export and erasure."""
    register_personal_data(PersonalData(name="kudos", export=export_kudos, erase=erase_kudos))
