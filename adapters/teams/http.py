"""`POST /api/messages`: Bot Framework activities, mounted into Fivefold's FastAPI app."""

from __future__ import annotations

import json

import structlog
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from adapters.teams import inbound
from adapters.teams.app import TeamsAdapter
from adapters.teams.auth import AuthenticationError, Identity, TokenVerifier

log = structlog.get_logger(__name__)
MAX_BODY = 1_000_000


def teams_router(adapter: TeamsAdapter) -> APIRouter:
    """The messaging endpoint.

    The token is checked first (401), then the body's shape (400), then the key's
    endorsement and the service URL against the body (401); only then does any
    activity reach botbuilder and the engine.
    """
    router = APIRouter()

    @router.post("/api/messages", include_in_schema=False)
    async def messages(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY:
            return Response("payload too large", status_code=413)
        identity: Identity | None = None
        if adapter.verifier is not None:
            try:
                identity = await adapter.verifier.authenticate(
                    request.headers.get("authorization", "")
                )
            except AuthenticationError as error:
                log.info("teams.unauthenticated", reason=str(error))
                return Response("unauthorized", status_code=401)
        elif not adapter.unauthenticated:
            return Response("unauthorized: MICROSOFT_APP_ID is not set", status_code=401)
        try:
            activity = inbound.validate(json.loads(body))
        except (ValueError, RecursionError) as error:  # MalformedActivity is a ValueError
            log.info("teams.malformed_activity", reason=str(error)[:200])
            return Response("malformed activity", status_code=400)
        if identity is not None:
            try:
                TokenVerifier.authorize(
                    identity, str(activity.get("channelId") or ""), activity["serviceUrl"]
                )
            except AuthenticationError as error:
                log.info("teams.unauthorized", reason=str(error))
                return Response("unauthorized", status_code=401)
        invoke = await adapter.handle(activity, identity)
        if invoke is not None:
            return JSONResponse(invoke.body, status_code=invoke.status)
        return Response(status_code=200)

    return router
