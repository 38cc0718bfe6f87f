"""The Instruct lever in the console: training tracks and each member's progress."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse
from sqlmodel import col, select

from bot.api.deps import SessionDep
from bot.api.errors import ResourceId
from bot.console.models import ConsoleRole
from bot.console.registry import ConsolePage, ConsoleRegistry
from bot.console.render import add_template_folder, page
from bot.console.session import Viewer
from bot.i18n import N_
from bot.models import Member
from programs.instruct.models import Track
from programs.instruct.service import track_out, tracks_of

router = APIRouter()


@router.get("")
async def tracks(request: Request, viewer: Viewer, session: SessionDep) -> HTMLResponse:
    """The tenant's tracks with enrolment and completion counts."""
    assert viewer.tenant.id is not None
    shown = [await track_out(session, track) for track in await tracks_of(session, viewer.tenant.id)]
    return page(request, viewer, "tracks.html", tracks=shown)


@router.get("/{track_id}")
async def track(track_id: ResourceId, request: Request, viewer: Viewer, session: SessionDep) -> HTMLResponse:
    """One track's lessons and, for admins, each enrolled member's progress by name."""
    row = await session.get(Track, track_id)
    if row is None or row.tenant_id != viewer.tenant.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such track")
    shown = await track_out(session, row, with_members=viewer.is_admin)
    ids = [progress.member for progress in shown.members or []]
    members = (await session.execute(
        select(Member).where(Member.tenant_id == viewer.tenant.id, col(Member.external_id).in_(ids))
    )).scalars().all()
    names = {member.external_id: member.name for member in members}
    return page(request, viewer, "track.html", track=shown, names=names)


def register(registry: ConsoleRegistry) -> None:
    """Add the training page."""
    add_template_folder(Path(__file__).resolve().parent / "templates")
    readers = frozenset({ConsoleRole.ADMIN, ConsoleRole.ANALYST})
    registry.add_page(ConsolePage("/tracks", N_("Training"), router, readers, order=20))
