"""The landing page, sign-in (OpenID Connect or a one-time link), sign-out and the language switch."""

from __future__ import annotations

from typing import Annotated

import structlog
from fastapi import APIRouter, Form, Request, status
from fastapi.responses import RedirectResponse, Response
from sqlmodel import select

from bot.api.deps import SessionDep
from bot.console.models import ConsoleUser
from bot.console.oidc import SignInRefused, verified_email
from bot.console.render import render
from bot.console.session import AnyChange, request_locale, sign_in, sign_out
from bot.console.users import record, redeem_login_link, users_with_email
from bot.i18n import normalize_locale, translator
from bot.models import Tenant, utcnow
from bot.settings import Settings

log = structlog.get_logger(__name__)
router = APIRouter(include_in_schema=False)

def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.runtime.settings
    return settings

@router.get("/")
async def landing(request: Request, session: SessionDep) -> Response:
    """What Fivefold is, which platforms are connected, and how to sign in."""
    settings = _settings(request)
    platforms = set((await session.execute(select(Tenant.platform).distinct())).scalars().all())
    t = translator(request_locale(request, settings.default_locale))
    configured = request.app.state.console.configured
    return render(request, "landing.html", t, slack_configured="slack" in configured,
                  teams_configured="teams" in configured, slack_tenants="slack" in platforms,
                  teams_tenants="teams" in platforms, oidc=settings.oidc_enabled,
                  signed_in=isinstance(request.session.get("sid"), str), public_url=settings.public_url)

async def _begin(request: Request, session: SessionDep, user: ConsoleUser, how: str) -> Response:
    await sign_in(request, session, user)
    user.last_login_at = utcnow()
    session.add(user)
    await record(session, user, "signed_in", how)
    await session.commit()
    return RedirectResponse("/admin", status.HTTP_303_SEE_OTHER)

def _refused(request: Request, reason: str) -> Response:
    t = translator(request_locale(request, _settings(request).default_locale))
    return render(request, "refused.html", t, status.HTTP_403_FORBIDDEN, reason=reason)

@router.get("/auth/login")
async def login(request: Request) -> Response:
    """Send the browser to the identity provider."""
    client = request.app.state.oidc
    if client is None:
        return _refused(request, "no_provider")
    return await client.authorize_redirect(request, str(request.url_for("oidc_callback")))  # type: ignore[no-any-return]

@router.get("/auth/callback", name="oidc_callback")
async def callback(request: Request, session: SessionDep) -> Response:
    """The provider's answer: a verified e-mail address that belongs to a console user signs in."""
    client = request.app.state.oidc
    if client is None:
        return _refused(request, "no_provider")
    try:
        email = await verified_email(client, request)
    except SignInRefused as exc:
        log.warning("console.sign_in_refused", reason=str(exc))
        return _refused(request, "invalid")
    users = await users_with_email(session, email)
    if not users:
        return _refused(request, "unknown")
    return await _begin(request, session, users[0], "oidc")

@router.get("/auth/link")
async def link_page(request: Request, token: str = "") -> Response:
    """Ask before spending the one-time link, so a link preview cannot use it up."""
    t = translator(request_locale(request, _settings(request).default_locale))
    return render(request, "link.html", t, token=token)

@router.post("/auth/link")
async def redeem(request: Request, session: SessionDep, token: Annotated[str, Form()] = "") -> Response:
    """Sign in with a one-time link's token (valid 15 minutes, once)."""
    user = await redeem_login_link(session, token, now=utcnow())
    if user is None:
        await session.commit()
        return _refused(request, "link")
    return await _begin(request, session, user, "link")

@router.post("/auth/logout")
async def logout(request: Request, viewer: AnyChange, session: SessionDep) -> Response:
    """Sign out: the session ends on the server, so a copy of the cookie stops working too."""
    await sign_out(request, session)
    await session.commit()
    return RedirectResponse("/", status.HTTP_303_SEE_OTHER)

@router.post("/admin/locale")
async def switch_language(
    request: Request, viewer: AnyChange, session: SessionDep, locale: Annotated[str, Form()] = "en"
) -> Response:
    """Remember the viewer's language."""
    user = await session.get(ConsoleUser, viewer.user.id)
    assert user is not None
    user.locale = normalize_locale(locale) or user.locale
    session.add(user)
    await session.commit()
    back = request.headers.get("referer", "/admin")
    return RedirectResponse(back if back.startswith(str(request.base_url)) else "/admin", status.HTTP_303_SEE_OTHER)
