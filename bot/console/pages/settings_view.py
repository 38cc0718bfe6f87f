"""The settings page as one view: limits, programme sections, API keys, console users and sessions."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlmodel import col, select

from bot.api.deps import SessionDep
from bot.api.keys import Role
from bot.console.models import ConsoleRole, ConsoleUser
from bot.console.registry import ConsoleRegistry
from bot.console.render import page
from bot.console.session import SignedIn, idle_timeout
from bot.console.sessions import live_sessions
from bot.models import ApiKey, utcnow
from bot.settings import Settings
from bot.tenant_settings import overrides_of, settings_for

LIMITS = ("kudos_daily_allowance", "kudos_emoji", "anonymity_threshold")


async def settings_page(request: Request, viewer: SignedIn, session: SessionDep, status_code: int = 200,
                        **extra: Any) -> HTMLResponse:
    """Render the settings page (`extra`: a new key to show once, a refused form's error and values)."""
    assert viewer.tenant.id is not None
    tenant_id = viewer.tenant.id
    keys = (await session.execute(
        select(ApiKey).where(ApiKey.tenant_id == tenant_id).order_by(col(ApiKey.id).desc()))).scalars().all()
    users = (await session.execute(
        select(ConsoleUser).where(ConsoleUser.tenant_id == tenant_id).order_by(col(ConsoleUser.email))
    )).scalars().all()
    config: Settings = request.app.state.runtime.settings
    registry: ConsoleRegistry = request.app.state.console
    sections = []
    for section in registry.settings_sections:  # a program's section: its template and what it shows
        extra = {**await section.load(session, tenant_id), **extra}
        sections.append(section.template)
    own = overrides_of(viewer.tenant)
    form = extra.pop("form", None) or {name: getattr(own, name) or "" for name in LIMITS}
    return page(request, viewer, "settings.html", status_code, keys=keys, users=users, config=config,
                roles=list(ConsoleRole), key_roles=list(Role), sections=sections, form=form,
                limits=settings_for(viewer.tenant, config),
                sessions=await live_sessions(session, tenant_id, now=utcnow(), idle=idle_timeout(config)), **extra)
