"""Who is signed in: the signed cookie naming a server-side session, idle timeout, roles and CSRF tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Form, HTTPException, Request, status
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.deps import SessionDep
from bot.console.models import ConsoleRole, ConsoleUser
from bot.console.sessions import end_session, find_session, start_session
from bot.i18n import LOCALES, Translator, normalize_locale, translator
from bot.models import Tenant, utcnow
from bot.settings import Settings

COOKIE = "fivefold_console"


def session_secret(settings: Settings) -> str:
    """The key the session cookie is signed with, derived from FIVEFOLD_SECRET_KEY."""
    key = settings.secret_key.get_secret_value().encode()
    return hmac.new(key, b"fivefold console session", hashlib.sha256).hexdigest()


def idle_timeout(settings: Settings) -> dt.timedelta:
    """FIVEFOLD_CONSOLE_IDLE_MINUTES as a duration."""
    return dt.timedelta(minutes=settings.console_idle_minutes)


async def sign_in(request: Request, session: AsyncSession, user: ConsoleUser) -> None:
    """Start a fresh session for `user`: a server-side record, a new CSRF token, nothing kept from before."""
    settings: Settings = request.app.state.runtime.settings
    token = await start_session(session, user, user_agent=request.headers.get("user-agent", ""), now=utcnow(),
                                idle=idle_timeout(settings))
    request.session.clear()
    request.session.update({"sid": token, "csrf": secrets.token_urlsafe(24)})


async def sign_out(request: Request, session: AsyncSession) -> None:
    """End the session everywhere (the record goes) and clear the cookie."""
    token = request.session.get("sid")
    if isinstance(token, str):
        await end_session(session, token)
    request.session.clear()


@dataclass(frozen=True)
class SignedIn:
    """The signed-in console user, their tenant, role, translator and CSRF token."""

    user: ConsoleUser
    tenant: Tenant
    role: ConsoleRole
    t: Translator
    csrf: str

    @property
    def is_admin(self) -> bool:
        """True for the admin role (may change things and see identities)."""
        return self.role is ConsoleRole.ADMIN


def request_locale(request: Request, fallback: str = "en") -> str:
    """`?lang=`, else the browser's first supported language, else `fallback`."""
    wanted = normalize_locale(request.query_params.get("lang"))
    if wanted:
        return wanted
    for part in request.headers.get("accept-language", "").split(","):
        found = normalize_locale(part.split(";")[0].strip())
        if found:
            return found
    return fallback if fallback in LOCALES else "en"


def _refuse(request: Request) -> HTTPException:
    if request.method == "GET":
        return HTTPException(status.HTTP_303_SEE_OTHER, "sign in first", headers={"Location": "/"})
    return HTTPException(status.HTTP_401_UNAUTHORIZED, "sign in first")


async def _signed_in(request: Request, session: SessionDep) -> SignedIn:
    settings: Settings = request.app.state.runtime.settings
    token = request.session.get("sid")
    found = await find_session(session, token, now=utcnow(), idle=idle_timeout(settings)) \
        if isinstance(token, str) else None
    if found is None:
        request.session.clear()
        raise _refuse(request)
    user, tenant = found
    locale = user.locale or request_locale(request, tenant.default_locale)
    return SignedIn(user=user, tenant=tenant, role=ConsoleRole(user.role), t=translator(locale),
                    csrf=str(request.session.get("csrf", "")))


async def _admin(viewer: Annotated[SignedIn, Depends(_signed_in)]) -> SignedIn:
    if not viewer.is_admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only an admin may do this")
    return viewer


async def _reviewer(viewer: Annotated[SignedIn, Depends(_signed_in)]) -> SignedIn:
    if viewer.role not in (ConsoleRole.ADMIN, ConsoleRole.REVIEWER):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only an admin or a reviewer may do this")
    return viewer


def check_csrf(viewer: SignedIn, token: str) -> None:
    """Refuse a form whose CSRF token is not this session's.

    Raises:
        HTTPException: 403 when the token is missing or wrong.
    """
    if not viewer.csrf or not secrets.compare_digest(viewer.csrf.encode(), token.encode()):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "the form has expired; reload the page and try again")


async def _admin_form(viewer: Annotated[SignedIn, Depends(_admin)], csrf: Annotated[str, Form()] = "") -> SignedIn:
    check_csrf(viewer, csrf)
    return viewer


async def _reviewer_form(viewer: Annotated[SignedIn, Depends(_reviewer)],
                         csrf: Annotated[str, Form()] = "") -> SignedIn:
    check_csrf(viewer, csrf)
    return viewer


async def _any_form(viewer: Annotated[SignedIn, Depends(_signed_in)], csrf: Annotated[str, Form()] = "") -> SignedIn:
    check_csrf(viewer, csrf)
    return viewer


Viewer = Annotated[SignedIn, Depends(_signed_in)]
AdminViewer = Annotated[SignedIn, Depends(_admin)]
AdminChange = Annotated[SignedIn, Depends(_admin_form)]
ReviewerViewer = Annotated[SignedIn, Depends(_reviewer)]
ReviewerChange = Annotated[SignedIn, Depends(_reviewer_form)]
AnyChange = Annotated[SignedIn, Depends(_any_form)]
