"""`/admin/audit`: every change made in the console, newest first (admins only)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from bot.api.deps import SessionDep
from bot.console.render import page
from bot.console.session import AdminViewer
from bot.console.users import audit_log

router = APIRouter()


@router.get("")
async def audit(request: Request, viewer: AdminViewer, session: SessionDep) -> HTMLResponse:
    """The tenant's audit log."""
    assert viewer.tenant.id is not None
    return page(request, viewer, "audit.html", entries=await audit_log(session, viewer.tenant.id))
