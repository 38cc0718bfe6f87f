"""`/api/v1/occurrences`: delivery progress of one firing of a campaign."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from bot.api.deps import ReaderKey, SessionDep
from bot.api.errors import ResourceId, not_found
from bot.broadcasts.models import Occurrence
from bot.broadcasts.service import progress

router = APIRouter(prefix="/api/v1/occurrences", tags=["occurrences"])


class OccurrenceProgress(BaseModel):
    """Deliveries of an occurrence by status (`pending` includes in flight), and failures by reason."""

    pending: int
    sent: int
    failed: int
    skipped: int
    total: int
    failures: dict[str, int]


@router.get("/{occurrence_id}")
async def get(occurrence_id: ResourceId, session: SessionDep, key: ReaderKey) -> OccurrenceProgress:
    """Progress of an occurrence of one of the tenant's campaigns."""
    occurrence = await session.get(Occurrence, occurrence_id)
    if occurrence is None or occurrence.tenant_id != key.tenant_id:
        raise not_found("occurrence")
    return OccurrenceProgress.model_validate(await progress(session, occurrence_id))
