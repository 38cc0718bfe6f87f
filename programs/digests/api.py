"""`POST /api/v1/digests/{kind}/send-now`: a digest for the seven days up to today, right away."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from bot.api.deps import AdminKey, SessionDep
from bot.models import Tenant, utcnow
from programs.digests.run import send_digest

router = APIRouter(prefix="/api/v1/digests", tags=["digests"])
DigestKind = Literal["thanks", "customers", "kpi"]


class SentOut(BaseModel):
    """What was queued: how many messages (0 when no channel is configured or nothing happened)."""

    kind: str
    messages: int


@router.post("/{kind}/send-now")
async def send_now(kind: DigestKind, session: SessionDep, key: AdminKey) -> SentOut:
    """Build the digest for the seven local days up to and including today (tenant's zone) and queue it."""
    tenant = await session.get(Tenant, key.tenant_id)
    assert tenant is not None  # an API key's tenant is a foreign key
    now = utcnow()
    sent = await send_digest(session, tenant, kind, now=now, period=f"now:{now.isoformat()}")
    return SentOut(kind=kind, messages=sent or 0)
