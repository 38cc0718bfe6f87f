"""`/admin/people`: members and their attributes, CSV import with a dry run, export and forget (admins only)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.api.deps import SessionDep
from bot.api.errors import ResourceId
from bot.console.render import page
from bot.console.session import AdminChange, AdminViewer, SignedIn
from bot.console.users import record
from bot.members_import import MembersImportError, apply_import, parse_members_csv
from bot.models import Member
from bot.privacy import export_member, forget_member

router = APIRouter()
MAX_CSV_BYTES = 5 * 1024 * 1024


async def _member(session: AsyncSession, viewer: SignedIn, member_id: int) -> Member:
    member = await session.get(Member, member_id)
    if member is None or member.tenant_id != viewer.tenant.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such member")
    return member


async def _members(session: AsyncSession, tenant_id: int) -> list[Member]:
    query = (select(Member).where(Member.tenant_id == tenant_id, col(Member.is_bot).is_(False))
             .order_by(col(Member.is_deleted), col(Member.display_name), col(Member.id)))
    return list((await session.execute(query)).scalars().all())


@router.get("")
async def people(request: Request, viewer: AdminViewer, session: SessionDep) -> HTMLResponse:
    """Every human member with department, location and start date."""
    assert viewer.tenant.id is not None
    return page(request, viewer, "people.html", members=await _members(session, viewer.tenant.id))


async def _read_csv(upload: UploadFile) -> str:
    raw = await upload.read(MAX_CSV_BYTES + 1)
    if len(raw) > MAX_CSV_BYTES:
        raise MembersImportError(["the file is larger than 5 MB"])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MembersImportError(["the file is not UTF-8 text"]) from exc


@router.post("/import")
async def import_csv(
    request: Request, viewer: AdminChange, session: SessionDep,
    file: Annotated[UploadFile, File()], apply: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Check the CSV (a dry run lists every row's problem); with `apply`, import it whole or not at all."""
    assert viewer.tenant.id is not None
    dry_run = apply != "yes"
    try:
        rows = parse_members_csv(await _read_csv(file))
        async with session.begin_nested() as savepoint:
            summary = await apply_import(session, viewer.tenant.id, rows)
            if dry_run:
                await savepoint.rollback()
    except MembersImportError as exc:
        return page(request, viewer, "import_result.html", status.HTTP_422_UNPROCESSABLE_CONTENT,
                    problems=exc.problems, summary=None, dry_run=dry_run)
    if not dry_run:
        await record(session, viewer.user, "members.imported", file.filename or "", created=summary.created,
                     updated=summary.updated)
        await session.commit()
    return page(request, viewer, "import_result.html", problems=[], summary=summary, dry_run=dry_run)


@router.get("/{member_id}/export")
async def export(member_id: ResourceId, viewer: AdminViewer, session: SessionDep) -> Response:
    """Everything Fivefold holds about the member, as a JSON download."""
    member = await _member(session, viewer, member_id)
    body = json.dumps(await export_member(session, member), ensure_ascii=False, indent=2, default=str)
    await record(session, viewer.user, "member.exported", f"member {member.id}")
    await session.commit()
    return Response(body, media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="member-{member.id}.json"'})


@router.post("/{member_id}/forget")
async def forget(member_id: ResourceId, viewer: AdminChange, session: SessionDep) -> Response:
    """Erase the member's personal data (names, profile, messages they wrote)."""
    member = await _member(session, viewer, member_id)
    await forget_member(session, member)
    await record(session, viewer.user, "member.forgotten", f"member {member.id}")
    await session.commit()
    return RedirectResponse("/admin/people", status.HTTP_303_SEE_OTHER)
