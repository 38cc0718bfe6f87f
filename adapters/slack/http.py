"""The Slack HTTP endpoints, mounted into Fivefold's FastAPI app."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import structlog
from fastapi import APIRouter, Request, Response
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_sdk.signature import SignatureVerifier

from adapters.slack.app import SlackAdapter

MAX_BODY = 1_000_000
log = structlog.get_logger(__name__)


def _is(value: Any, kind: type) -> bool:
    return isinstance(value, kind) and bool(value)


SHAPES: dict[str, Callable[[dict[str, Any]], bool]] = {
    "event_callback": lambda p: _is(p.get("event"), dict) and _is(p["event"].get("type"), str)
    and _is(p.get("event_id"), str),
    "url_verification": lambda p: _is(p.get("challenge"), str),
    "app_rate_limited": lambda p: True,
    "block_actions": lambda p: _is(p.get("user"), dict) and _is(p.get("actions"), list)
    and all(isinstance(a, dict) and _is(a.get("action_id"), str) for a in p["actions"]),
    "view_submission": lambda p: _is(p.get("user"), dict) and _is(p.get("view"), dict)
    and _is(p["view"].get("type"), str) and _is(p["view"].get("callback_id"), str)
    and isinstance(p["view"].get("state", {}).get("values"), dict),
    "view_closed": lambda p: _is(p.get("view"), dict) and _is(p["view"].get("type"), str),
    "shortcut": lambda p: _is(p.get("user"), dict) and _is(p.get("callback_id"), str)
    and _is(p.get("trigger_id"), str),
    "message_action": lambda p: _is(p.get("user"), dict) and _is(p.get("callback_id"), str)
    and _is(p.get("trigger_id"), str) and _is(p.get("message"), dict),
}


def well_formed(body: bytes, content_type: str) -> bool:
    """True when `body` has the shape of a request Slack sends and Fivefold handles."""
    try:
        text = body.decode("utf-8")
        if content_type.startswith("application/json"):
            data = json.loads(text)
        else:
            fields = parse_qs(text, strict_parsing=True)
            if "payload" not in fields:
                return all(_is(fields.get(k, [""])[0], str) for k in ("command", "team_id", "user_id", "trigger_id"))
            data = json.loads(fields["payload"][0])
    except (UnicodeDecodeError, ValueError):
        return False
    if not isinstance(data, dict):
        return False
    shape = SHAPES.get(str(data.get("type")))
    return shape is not None and shape(data)


def slack_router(adapter: SlackAdapter, signing_secret: str) -> APIRouter:
    """`POST /slack/events` and, in OAuth mode, `GET /slack/install` and `/slack/oauth_redirect`.

    Signatures are checked first (401), then the body's shape (400), and only then
    does Bolt see the request, so a malformed payload can never reach a listener.
    """
    router = APIRouter()
    handler = AsyncSlackRequestHandler(adapter.app)
    verifier = SignatureVerifier(signing_secret)

    @router.post("/slack/events", include_in_schema=False)
    async def events(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY:
            return Response("payload too large", status_code=413)
        if not verifier.is_valid_request(body, dict(request.headers)):
            return Response("invalid signature", status_code=401)
        if not well_formed(body, request.headers.get("content-type", "")):
            return Response("malformed payload", status_code=400)
        response = await handler.handle(request)
        if response.status_code >= 500:  # Bolt could not process a payload we let through
            log.warning("slack.unprocessable_payload", status=response.status_code)
            return Response("malformed payload", status_code=400)
        return response

    if adapter.app.oauth_flow is not None:

        @router.get("/slack/install", include_in_schema=False)
        async def install(request: Request) -> Response:
            return await handler.handle(request)

        @router.get("/slack/oauth_redirect", include_in_schema=False)
        async def oauth_redirect(request: Request) -> Response:
            return await handler.handle(request)

    return router
