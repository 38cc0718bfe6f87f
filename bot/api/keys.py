"""API keys: shown once, stored as SHA-256, each bound to a tenant and a role."""

from __future__ import annotations

import hashlib
import secrets
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.models import ApiKey, utcnow

PREFIX = "ff_"


class Role(StrEnum):
    """What a key may do: `admin` reads and writes, `analyst` only reads."""

    ADMIN = "admin"
    ANALYST = "analyst"


def hash_key(key: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(key.encode()).hexdigest()


async def create_api_key(session: AsyncSession, *, tenant_id: int, role: Role, name: str = "") -> tuple[ApiKey, str]:
    """A new key for `tenant_id`; returns the row and the clear key (never stored)."""
    key = PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(tenant_id=tenant_id, role=role.value, name=name[:200], prefix=key[:10], key_hash=hash_key(key))
    session.add(row)
    await session.flush()
    return row, key


async def find_api_key(session: AsyncSession, key: str) -> ApiKey | None:
    """The live key row for a presented key (and note its use), or None."""
    if not key.startswith(PREFIX) or len(key) > 200:
        return None
    row = (await session.execute(
        select(ApiKey).where(ApiKey.key_hash == hash_key(key), col(ApiKey.revoked).is_(False))
    )).scalar_one_or_none()
    if row is not None:
        row.last_used_at = utcnow()
    return row
