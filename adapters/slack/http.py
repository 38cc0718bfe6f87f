"""The Slack HTTP endpoints, mounted into Fivefold's FastAPI app."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from fastapi import APIRouter, Request, Response
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_sdk.signature import SignatureVerifier

from adapters.slack.app import SlackAdapter

MAX_BODY = 1_000_000


def well_formed(body: bytes, content_type: str) -> bool:
    """True when `body` parses as what Slack sends (form fields with a JSON payload, or JSON)."""
    try:
        text = body.decode("utf-8")
        if content_type.startswith("application/json"):
            return isinstance(json.loads(text), dict)
        fields = parse_qs(text, strict_parsing=True)
        if "payload" in fields:
            return isinstance(json.loads(fields["payload"][0]), dict)
        return "command" in fields and "team_id" in fields and "user_id" in fields
    except (UnicodeDecodeError, ValueError):
        return False


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
        return await handler.handle(request)

    if adapter.app.oauth_flow is not None:

        @router.get("/slack/install", include_in_schema=False)
        async def install(request: Request) -> Response:
            return await handler.handle(request)

        @router.get("/slack/oauth_redirect", include_in_schema=False)
        async def oauth_redirect(request: Request) -> Response:
            return await handler.handle(request)

    return router
