"""Console users, one-time sign-in links and the audit log (shared by the pages and the CLI)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.console.models import AuditEntry, ConsoleRole, ConsoleUser, LoginLink
from bot.models import Member, utcnow

LINK_LIFETIME = dt.timedelta(minutes=15)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    """E-mail addresses compare case-insensitively and without surrounding spaces."""
    return email.strip().lower()


async def ensure_user(session: AsyncSession, *, tenant_id: int, email: str, role: ConsoleRole) -> ConsoleUser:
    """The tenant's console user with `email`, created with `role` (and tied to its member) when new."""
    email = normalise_email(email)
    user = (await session.execute(
        select(ConsoleUser).where(ConsoleUser.tenant_id == tenant_id, ConsoleUser.email == email)
    )).scalar_one_or_none()
    if user is not None:
        return user
    member = (await session.execute(
        select(Member).where(Member.tenant_id == tenant_id, func.lower(col(Member.email)) == email)
    )).scalars().first()
    user = ConsoleUser(tenant_id=tenant_id, email=email, role=role.value, member_id=member.id if member else None,
                       locale=member.locale[:2] if member and member.locale else None)
    session.add(user)
    await session.flush()
    return user


async def users_with_email(session: AsyncSession, email: str) -> Sequence[ConsoleUser]:
    """Every tenant's console user with `email` (an identity provider vouches only for the address)."""
    query = select(ConsoleUser).where(ConsoleUser.email == normalise_email(email)).order_by(col(ConsoleUser.id))
    return (await session.execute(query)).scalars().all()


async def create_login_link(session: AsyncSession, user: ConsoleUser, *, now: dt.datetime) -> str:
    """A new single-use token for `user`, valid for 15 minutes; only its hash is stored."""
    assert user.id is not None
    token = secrets.token_urlsafe(32)
    session.add(LoginLink(user_id=user.id, token_hash=_hash(token), expires_at=now + LINK_LIFETIME))
    await session.flush()
    return token


async def redeem_login_link(session: AsyncSession, token: str, *, now: dt.datetime) -> ConsoleUser | None:
    """The user a live, unused token belongs to (and the token is spent), or None."""
    if not token or len(token) > 100:
        return None
    link = (await session.execute(
        select(LoginLink).where(LoginLink.token_hash == _hash(token)).with_for_update()
    )).scalar_one_or_none()
    if link is None or link.used_at is not None or link.expires_at <= now:
        return None
    link.used_at = now
    session.add(link)
    return await session.get(ConsoleUser, link.user_id)


async def record(session: AsyncSession, user: ConsoleUser, action: str, target: str = "", **detail: Any) -> None:
    """Write one audit entry: `user` did `action` to `target`, now."""
    session.add(AuditEntry(tenant_id=user.tenant_id, actor=user.email, action=action, target=target[:200],
                           detail=detail, created_at=utcnow()))


async def audit_log(session: AsyncSession, tenant_id: int, limit: int = 200) -> Sequence[AuditEntry]:
    """The tenant's newest audit entries."""
    query = (select(AuditEntry).where(AuditEntry.tenant_id == tenant_id)
             .order_by(col(AuditEntry.id).desc()).limit(limit))
    return (await session.execute(query)).scalars().all()


async def member_of(session: AsyncSession, user: ConsoleUser) -> Member | None:
    """The chat member a console user is, when one matched their e-mail (the reviewer a decision names)."""
    return await session.get(Member, user.member_id) if user.member_id is not None else None
