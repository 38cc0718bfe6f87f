"""`/admin/settings`: API keys (create, name, revoke), console users and the configured limits (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import col, select

from bot.api.deps import SessionDep
from bot.api.errors import ResourceId
from bot.api.keys import Role, create_api_key
from bot.console.models import ConsoleRole, ConsoleUser
from bot.console.render import page
from bot.console.session import AdminChange, AdminViewer, SignedIn
from bot.console.users import ensure_user, record
from bot.models import ApiKey
from bot.settings import Settings

router = APIRouter()


async def _settings_page(request: Request, viewer: SignedIn, session: SessionDep, new_key: str | None = None,
                         status_code: int = 200) -> HTMLResponse:
    keys = (await session.execute(
        select(ApiKey).where(ApiKey.tenant_id == viewer.tenant.id).order_by(col(ApiKey.id).desc())
    )).scalars().all()
    users = (await session.execute(
        select(ConsoleUser).where(ConsoleUser.tenant_id == viewer.tenant.id).order_by(col(ConsoleUser.email))
    )).scalars().all()
    config: Settings = request.app.state.runtime.settings
    return page(request, viewer, "settings.html", status_code, keys=keys, users=users, new_key=new_key,
                config=config, roles=list(ConsoleRole), key_roles=list(Role))


@router.get("")
async def settings_page(request: Request, viewer: AdminViewer, session: SessionDep) -> HTMLResponse:
    """API keys, console users and the limits set by the environment."""
    return await _settings_page(request, viewer, session)


@router.post("/keys")
async def create_key(request: Request, viewer: AdminChange, session: SessionDep,
                     name: Annotated[str, Form(max_length=200)] = "", role: Annotated[Role, Form()] = Role.ANALYST,
                     ) -> HTMLResponse:
    """Create a named API key; the key is shown once, on this page only."""
    assert viewer.tenant.id is not None
    row, key = await create_api_key(session, tenant_id=viewer.tenant.id, role=role, name=name)
    await record(session, viewer.user, "api_key.created", row.name or row.prefix, role=role.value, prefix=row.prefix)
    response = await _settings_page(request, viewer, session, new_key=key, status_code=status.HTTP_201_CREATED)
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
    return RedirectResponse("/admin/settings", status.HTTP_303_SEE_OTHER)


@router.post("/users")
async def add_user(viewer: AdminChange, session: SessionDep, email: Annotated[str, Form(min_length=3, max_length=320)],
                   role: Annotated[ConsoleRole, Form()] = ConsoleRole.ANALYST) -> Response:
    """Let someone sign in to this tenant's console with `role` (or change their role)."""
    assert viewer.tenant.id is not None
    if "@" not in email:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "an e-mail address is needed")
    user = await ensure_user(session, tenant_id=viewer.tenant.id, email=email, role=role)
    user.role = role.value
    session.add(user)
    await record(session, viewer.user, "console_user.saved", user.email, role=role.value)
    await session.commit()
    return RedirectResponse("/admin/settings", status.HTTP_303_SEE_OTHER)
