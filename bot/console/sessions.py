"""Server-side console sessions: the signed cookie names a row, and deleting the row ends the session.

The cookie carries a random token; only its SHA-256 is stored, with the user,
when the session began and when it was last used. A request is let in only while
its row exists, was used within the idle timeout and is younger than the absolute
lifetime, so sign-out, an admin's revoke, a removed user or a changed role end the
session for every copy of the cookie.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence

from sqlalchemy import delete, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.console.models import ConsoleSession, ConsoleUser
from bot.models import Tenant

LIFETIME = dt.timedelta(hours=12)  # absolute: a session never lasts longer, however busy
TOUCH_EVERY = dt.timedelta(seconds=60)  # writing last_seen_at on every request would be wasted work


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_live(row: ConsoleSession, *, now: dt.datetime, idle: dt.timedelta) -> bool:
    """True while the session was used within `idle` and began less than `LIFETIME` ago."""
    return now - row.last_seen_at <= idle and now - row.created_at <= LIFETIME


async def start_session(session: AsyncSession, user: ConsoleUser, *, user_agent: str, now: dt.datetime,
                        idle: dt.timedelta) -> str:
    """Record a new session for `user` and return the token for the cookie (sessions gone stale are pruned)."""
    assert user.id is not None
    await session.execute(delete(ConsoleSession).where(
        or_(col(ConsoleSession.last_seen_at) < now - idle, col(ConsoleSession.created_at) < now - LIFETIME)))
    token = secrets.token_urlsafe(32)
    session.add(ConsoleSession(token_hash=_hash(token), user_id=user.id, tenant_id=user.tenant_id,
                               user_agent=user_agent[:200], created_at=now, last_seen_at=now))
    await session.flush()
    return token


async def find_session(session: AsyncSession, token: str, *, now: dt.datetime, idle: dt.timedelta,
                       ) -> tuple[ConsoleUser, Tenant] | None:
    """The user and tenant of a live session (its last use is brought up to date), else None."""
    if not token or len(token) > 100:
        return None
    found = (await session.execute(
        select(ConsoleSession, ConsoleUser, Tenant)
        .join(ConsoleUser, col(ConsoleUser.id) == col(ConsoleSession.user_id))
        .join(Tenant, col(Tenant.id) == col(ConsoleUser.tenant_id))
        .where(ConsoleSession.token_hash == _hash(token))
    )).first()
    if found is None or not is_live(found[0], now=now, idle=idle):
        return None
    row, user, tenant = found
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        session.add(row)
    return user, tenant


async def end_session(session: AsyncSession, token: str) -> None:
    """Sign-out: the session ends for every copy of its cookie."""
    await session.execute(delete(ConsoleSession).where(col(ConsoleSession.token_hash) == _hash(token)))


async def end_user_sessions(session: AsyncSession, user_id: int) -> None:
    """End every session of one console user (removed, or their role changed)."""
    await session.execute(delete(ConsoleSession).where(col(ConsoleSession.user_id) == user_id))


async def revoke_session(session: AsyncSession, *, tenant_id: int, session_id: int) -> ConsoleUser | None:
    """An admin ends one session of their tenant; returns whose it was (None when there is no such session)."""
    row = await session.get(ConsoleSession, session_id)
    if row is None or row.tenant_id != tenant_id:
        return None
    user = await session.get(ConsoleUser, row.user_id)
    await session.delete(row)
    return user


async def live_sessions(session: AsyncSession, tenant_id: int, *, now: dt.datetime, idle: dt.timedelta,
                        ) -> Sequence[tuple[ConsoleSession, ConsoleUser]]:
    """The tenant's sessions still in use, newest activity first, with their users."""
    rows = (await session.execute(
        select(ConsoleSession, ConsoleUser).join(ConsoleUser, col(ConsoleUser.id) == col(ConsoleSession.user_id))
        .where(ConsoleSession.tenant_id == tenant_id).order_by(col(ConsoleSession.last_seen_at).desc())
    )).all()
    return [(row, user) for row, user in rows if is_live(row, now=now, idle=idle)]
