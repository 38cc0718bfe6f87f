"""The Slack HTTP endpoints, mounted into Fivefold's FastAPI app.

`POST /slack/events` runs, in order: the size limit (413, by `Content-Length` and while
reading), the signature (401, over the raw bytes, nothing parsed), one validation of the
body against `adapters.slack.payloads` (400, or a polite refusal for typed text Fivefold
can't take), and only then Bolt, which sees the validated fields alone.
"""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler, to_starlette_response
from slack_bolt.async_app import AsyncBoltRequest

from adapters.slack import render
from adapters.slack.app import RETRY_LATER, SlackAdapter
from adapters.slack.signature import SlackSignature
from adapters.slack.validate import Checked, check_body
from bot.db import within
from bot.engine import notice
from bot.i18n import N_, translator
from bot.web import read_body_limited

MAX_BODY = 1_000_000
# notices Fivefold only takes note of: Slack dropping events (rate limit), a modal closed
ACKNOWLEDGED_ONLY = frozenset({"app_rate_limited", "view_closed"})
TEXT_REFUSED = N_(
    "That text is too long or contains a character Fivefold can't store. Nothing was saved; "
    "please shorten it and try again."
)
log = structlog.get_logger(__name__)


def refusal_response(checked: Checked, locale: str) -> Response:
    """The polite answer to typed text Fivefold can't take (nothing was stored)."""
    text = translator(locale)._(TEXT_REFUSED)
    if checked.refused_kind == "slash_command":
        return JSONResponse(render.render_message(notice(text)))
    if checked.refused_kind == "view_submission" and checked.refused_block:
        return JSONResponse({"response_action": "errors", "errors": {checked.refused_block: text}})
    return Response(status_code=200)  # an event or a shortcut on a huge message: acknowledged, ignored


async def _listener_failed(error: Exception, body: dict[str, Any]) -> None:
    """A listener raised: a bug. Logged with its traceback; Bolt answers 500 (Slack retries)."""
    log.error("slack.listener_failed", kind=body.get("type") or body.get("command"), exc_info=error)


def slack_router(adapter: SlackAdapter, signing_secret: str) -> APIRouter:
    """`POST /slack/events` and, in OAuth mode, `GET /slack/install` and `/slack/oauth_redirect`."""
    router = APIRouter()
    handler = AsyncSlackRequestHandler(adapter.app)
    signature = SlackSignature(signing_secret)
    locale = adapter.settings.default_locale
    # a request waits at most for a connection and a statement; past that the database is not answering
    bound = adapter.settings.db_connect_timeout_seconds + adapter.settings.db_statement_timeout_seconds
    adapter.app.error(_listener_failed)

    @router.post("/slack/events", include_in_schema=False)
    async def events(request: Request) -> Response:
        body = await read_body_limited(request, MAX_BODY)
        if body is None:
            return Response("payload too large", status_code=413)
        headers = request.headers
        if not signature.is_valid(body, headers.get("x-slack-request-timestamp"), headers.get("x-slack-signature")):
            return Response("invalid signature", status_code=401)
        checked = check_body(body, headers.get("content-type", ""))
        if checked.body is None:
            return refusal_response(checked, locale) if checked.refused_kind else Response(
                "malformed payload", status_code=400
            )
        if checked.body.get("type") in ACKNOWLEDGED_ONLY:  # nothing for Bolt (it would answer 404)
            log.info("slack.notice", kind=checked.body["type"], minute=checked.body.get("minute_rate_limited"))
            return Response(status_code=200)
        bolt_request = AsyncBoltRequest(body=checked.body, headers=dict(headers), mode="socket_mode")
        bolt_response = await within(bound, adapter.app.async_dispatch(bolt_request))
        if bolt_response is None:  # the database holds traffic: free the connection, let Slack retry
            log.warning("slack.request_timed_out", seconds=bound)
            return Response("timed out; please retry", status_code=503)
        if bolt_request.context.get(RETRY_LATER):
            return Response("could not store this event; please retry", status_code=503)
        return to_starlette_response(bolt_response)

    if adapter.app.oauth_flow is not None:

        @router.get("/slack/install", include_in_schema=False)
        async def install(request: Request) -> Response:
            return await handler.handle(request)

        @router.get("/slack/oauth_redirect", include_in_schema=False)
        async def oauth_redirect(request: Request) -> Response:
            return await handler.handle(request)

    return router
