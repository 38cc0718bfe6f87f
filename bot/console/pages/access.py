"""Who may use Fivefold from outside chat: API keys, console users and their sessions (part of the settings page)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import delete
from sqlmodel import col

from bot.api.deps import SessionDep
from bot.api.errors import ResourceId
from bot.api.keys import Role, create_api_key
from bot.console.models import ConsoleRole, ConsoleUser, LoginLink
from bot.console.pages.settings_view import settings_page
from bot.console.session import AdminChange
from bot.console.sessions import end_user_sessions, revoke_session
from bot.console.users import ensure_user, record
from bot.models import ApiKey

router = APIRouter()
BACK = "/admin/settings"


def _back(anchor: str) -> Response:
    return RedirectResponse(f"{BACK}#{anchor}", status.HTTP_303_SEE_OTHER)


@router.post("/keys")
async def create_key(request: Request, viewer: AdminChange, session: SessionDep,
                     name: Annotated[str, Form(max_length=200)] = "", role: Annotated[Role, Form()] = Role.ANALYST,
                     ) -> HTMLResponse:
    """Create a named API key; the key is shown once, on this page only."""
    assert viewer.tenant.id is not None
    row, key = await create_api_key(session, tenant_id=viewer.tenant.id, role=role, name=name)
    await record(session, viewer.user, "api_key.created", row.name or row.prefix, role=role.value, prefix=row.prefix)
    response = await settings_page(request, viewer, session, status.HTTP_201_CREATED, new_key=key)
    await session.commit()  # durable before the key is shown
    return response


@router.post("/keys/{key_id}/revoke")
async def revoke_key(key_id: ResourceId, viewer: AdminChange, session: SessionDep) -> Response:
    """Revoke a key: it stops working at once."""
    row = await session.get(ApiKey, key_id)
    if row is None or row.tenant_id != viewer.tenant.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such API key")
    row.revoked = True
    session.add(row)
    await record(session, viewer.user, "api_key.revoked", row.name or row.prefix, prefix=row.prefix)
    await session.commit()
    return _back("keys")


@router.post("/users")
async def add_user(viewer: AdminChange, session: SessionDep, email: Annotated[str, Form(min_length=3, max_length=320)],
                   role: Annotated[ConsoleRole, Form()] = ConsoleRole.ANALYST) -> Response:
    """Let someone sign in to this tenant's console with `role`; a changed role ends their sessions."""
    assert viewer.tenant.id is not None
    if "@" not in email:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "an e-mail address is needed")
    user = await ensure_user(session, tenant_id=viewer.tenant.id, email=email, role=role)
    if user.role != role.value:
        assert user.id is not None
        await end_user_sessions(session, user.id)  # they sign in again under the new role
    user.role = role.value
    session.add(user)
    await record(session, viewer.user, "console_user.saved", user.email, role=role.value)
    await session.commit()
    return _back("users")


async def _tenant_user(session: SessionDep, viewer: AdminChange, user_id: int) -> ConsoleUser:
    user = await session.get(ConsoleUser, user_id)
    if user is None or user.tenant_id != viewer.tenant.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such console user")
    return user


@router.post("/users/{user_id}/remove")
async def remove_user(user_id: ResourceId, viewer: AdminChange, session: SessionDep) -> Response:
    """Take someone's console access away: their sessions and sign-in links end with it."""
    user = await _tenant_user(session, viewer, user_id)
    if user.id == viewer.user.id:
        raise HTTPException(status.HTTP_409_CONFLICT, "you cannot remove yourself")
    await end_user_sessions(session, user_id)
    await session.execute(delete(LoginLink).where(col(LoginLink.user_id) == user_id))
    await session.delete(user)
    await record(session, viewer.user, "console_user.removed", user.email)
    await session.commit()
    return _back("users")


@router.post("/sessions/{session_id}/revoke")
async def revoke(session_id: ResourceId, viewer: AdminChange, session: SessionDep) -> Response:
    """End one console session of this tenant (a lost laptop, a shared computer)."""
    assert viewer.tenant.id is not None
    owner = await revoke_session(session, tenant_id=viewer.tenant.id, session_id=session_id)
    if owner is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such session")
    await record(session, viewer.user, "console_session.revoked", owner.email, session_id=session_id)
    await session.commit()
    return _back("sessions")
