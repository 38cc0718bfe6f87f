"""`/admin/settings`: the tenant's limits, programme sections, API keys, console users and sessions (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.api.deps import SessionDep
from bot.console.pages.access import router as router
from bot.console.pages.settings_view import LIMITS, settings_page
from bot.console.session import AdminChange, AdminViewer
from bot.console.users import record
from bot.errors import UserFacingError
from bot.i18n import N_
from bot.tenant_settings import overrides_of, update_overrides

# one router with the keys, users and sessions routes (the security test walks each page's routes)


@router.get("")
async def show(request: Request, viewer: AdminViewer, session: SessionDep) -> HTMLResponse:
    """Limits, programme sections, API keys, console users and their sessions."""
    return await settings_page(request, viewer, session)


def _whole(value: str, field: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise UserFacingError(N_("Enter a whole number, or leave the field empty for the default."),
                              field=field) from None


@router.post("/limits")
async def save_limits(request: Request, viewer: AdminChange, session: SessionDep,
                      kudos_daily_allowance: Annotated[str, Form(max_length=20)] = "",
                      kudos_emoji: Annotated[str, Form(max_length=120)] = "",
                      anonymity_threshold: Annotated[str, Form(max_length=20)] = "") -> Response:
    """Set the tenant's kudos allowance, kudos emoji and anonymity threshold (empty: the environment's)."""
    assert viewer.tenant.id is not None
    form = {"kudos_daily_allowance": kudos_daily_allowance, "kudos_emoji": kudos_emoji,
            "anonymity_threshold": anonymity_threshold}
    before = overrides_of(viewer.tenant)
    try:
        after = await update_overrides(session, viewer.tenant.id, {
            "kudos_daily_allowance": _whole(kudos_daily_allowance, "kudos_daily_allowance"),
            "kudos_emoji": kudos_emoji.strip() or None,
            "anonymity_threshold": _whole(anonymity_threshold, "anonymity_threshold")})
    except UserFacingError as refusal:  # checked before anything is written: nothing changed
        error = viewer.t._(refusal.message, **refusal.params)
        return await settings_page(request, viewer, session, status.HTTP_422_UNPROCESSABLE_CONTENT,
                                   form=form, error=error, error_field=refusal.field)
    changed = {name: {"from": getattr(before, name), "to": getattr(after, name)}
               for name in LIMITS if getattr(before, name) != getattr(after, name)}
    if changed:
        await record(session, viewer.user, "settings.limits_changed", ", ".join(changed), **changed)
    await session.commit()
    return RedirectResponse("/admin/settings#limits", status.HTTP_303_SEE_OTHER)
