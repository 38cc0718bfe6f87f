"""Console errors as translated pages: a refused or missing page is explained, never raw JSON."""

from __future__ import annotations

from fastapi import Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from bot.console.render import render
from bot.console.session import request_locale
from bot.i18n import N_, translator

EXPLANATIONS = {
    401: N_("Sign in first."),
    403: N_("Your role may not do this, or the form had expired: reload the page and try again."),
    404: N_("There is no such page here."),
    409: N_("This cannot be done in the item's current state (for example, while it is paused)."),
}


async def console_http_error(request: Request, exc: Exception) -> Response:
    """Console pages get a translated HTML page; every other path keeps FastAPI's JSON answer."""
    assert isinstance(exc, HTTPException)
    wants_page = request.url.path.startswith(("/admin", "/auth")) and exc.status_code in EXPLANATIONS
    redirect = bool(exc.headers and "Location" in exc.headers)
    if not wants_page or redirect:
        return await http_exception_handler(request, exc)
    t = translator(request_locale(request))
    return render(request, "error.html", t, exc.status_code, explanation=EXPLANATIONS[exc.status_code])
