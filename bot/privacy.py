"""Export and erase a member's personal data (GDPR access and erasure).

The engine exports and erases what its own tables hold; each program registers
a `PersonalData` for the tables it owns, so erasure never misses a program's rows
and the engine never imports a program.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.models import Delivery, DeliveryStatus, Member

Exporter = Callable[[AsyncSession, Member], Awaitable[Any]]
Eraser = Callable[[AsyncSession, Member], Awaitable[None]]
PROFILE = ("external_id", "display_name", "real_name", "email", "timezone", "locale", "department", "location",
           "country", "start_date", "created_at")


@dataclass(frozen=True)
class PersonalData:
    """One program's part of a member's data: `name` is its key in the export."""

    name: str
    export: Exporter
    erase: Eraser


_registered: dict[str, PersonalData] = {}


def register_personal_data(part: PersonalData) -> None:
    """Add a program's exporter and eraser (idempotent per name)."""
    _registered[part.name] = part


async def export_member(session: AsyncSession, member: Member) -> dict[str, Any]:
    """Everything Fivefold holds about `member`, as JSON-ready data."""
    profile = {name: getattr(member, name) for name in PROFILE}
    data: dict[str, Any] = {"member": {key: value.isoformat() if hasattr(value, "isoformat") else value
                                       for key, value in profile.items()}}
    deliveries = (await session.execute(
        select(Delivery).where(Delivery.member_id == member.id).order_by(col(Delivery.id))
    )).scalars().all()
    data["messages_received"] = [{"status": row.status, "due_at": row.due_at.isoformat(), "message": row.message}
                                 for row in deliveries]
    for name, part in sorted(_registered.items()):
        data[name] = await part.export(session, member)
    return data


async def forget_member(session: AsyncSession, member: Member) -> None:
    """Erase `member`'s personal data; the row stays (as an anonymous, deleted member) for counts."""
    for part in _registered.values():
        await part.erase(session, member)
    await session.execute(
        update(Delivery).where(col(Delivery.member_id) == member.id)
        .values(message={}, error=None)
    )
    await session.execute(
        update(Delivery).where(col(Delivery.member_id) == member.id,
                               col(Delivery.status) == DeliveryStatus.PENDING.value)
        .values(status=DeliveryStatus.SKIPPED.value, error="member forgotten")
    )
    member.external_id = f"forgotten-{member.id}"
    for name in ("display_name", "real_name"):
        setattr(member, name, "")
    for name in ("email", "timezone", "locale", "department", "location", "country", "start_date"):
        setattr(member, name, None)
    member.is_deleted = True
    session.add(member)
    await session.flush()
