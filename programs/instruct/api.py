"""`/api/v1/tracks`: training tracks, their lessons, enrolments and progress.

Admin keys write, analyst keys read; every query is scoped to the key's tenant
(another tenant's track answers 404, like one that does not exist).
"""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.deps import AdminKey, Principal, ReaderKey, SessionDep
from bot.api.errors import ResourceId, conflict, not_found
from bot.models import Tenant, utcnow
from programs.instruct.enrol import enroll_external_ids
from programs.instruct.models import Track
from programs.instruct.schemas import EnrollIn, TrackIn, TrackOut, TrackPatch
from programs.instruct.service import create_track, track_out, tracks_of, update_track

router = APIRouter(prefix="/api/v1/tracks", tags=["tracks"])


class EnrollOut(BaseModel):
    """What `enroll` did: newly enrolled, already enrolled, and ids not known in this tenant."""

    enrolled: int
    already_enrolled: int
    unknown: list[str]


async def _owned(session: AsyncSession, key: Principal, track_id: int) -> Track:
    track = await session.get(Track, track_id)
    if track is None or track.tenant_id != key.tenant_id:
        raise not_found("track")
    return track


@router.post("", status_code=status.HTTP_201_CREATED)
async def create(data: TrackIn, session: SessionDep, key: AdminKey) -> TrackOut:
    """Create a track with its lessons (numbered in the order given)."""
    track = await create_track(session, tenant_id=key.tenant_id, data=data)
    return await track_out(session, track)


@router.get("")
async def list_tracks(session: SessionDep, key: ReaderKey) -> list[TrackOut]:
    """The tenant's tracks, newest first, with progress counts."""
    return [await track_out(session, track) for track in await tracks_of(session, key.tenant_id)]


@router.get("/{track_id}")
async def get_track(track_id: ResourceId, session: SessionDep, key: ReaderKey) -> TrackOut:
    """One track with its lessons, progress counts and each enrolled member's progress."""
    return await track_out(session, await _owned(session, key, track_id), with_members=True)


@router.patch("/{track_id}")
async def patch_track(track_id: ResourceId, patch: TrackPatch, session: SessionDep, key: AdminKey) -> TrackOut:
    """Change a track's settings (name, cadence, send time, weekends, onboarding, active)."""
    track = update_track(await _owned(session, key, track_id), patch)
    session.add(track)
    await session.flush()
    return await track_out(session, track)


@router.delete(
    "/{track_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Deactivate a track (a soft stop)",
    responses={204: {"description": "Deactivated. The track and its progress remain, with `active: false`; "
                                    "`PATCH` with `active: true` resumes it."}},
)
async def deactivate(track_id: ResourceId, session: SessionDep, key: AdminKey) -> Response:
    """Deactivate a track: no further lessons are sent; progress is kept."""
    track = await _owned(session, key, track_id)
    track.active = False
    session.add(track)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{track_id}/enroll")
async def enroll(track_id: ResourceId, data: EnrollIn, session: SessionDep, key: AdminKey) -> EnrollOut:
    """Enrol members by platform id; lesson 1 is due at each one's next send time."""
    track = await _owned(session, key, track_id)
    if not track.active:
        raise conflict("this track is not active")
    tenant = await session.get(Tenant, key.tenant_id)
    assert tenant is not None  # an API key's tenant is a foreign key
    added, already, unknown = await enroll_external_ids(
        session, tenant=tenant, track=track, external_ids=data.members, now=utcnow()
    )
    return EnrollOut(enrolled=added, already_enrolled=already, unknown=unknown)
