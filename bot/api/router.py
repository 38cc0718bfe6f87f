"""The admin API's router: every `/api/v1` resource, mounted by the composition root."""

from __future__ import annotations

from fastapi import APIRouter

from bot.api import campaigns, limits, occurrences

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(campaigns.router)
api_router.include_router(occurrences.router)
api_router.include_router(limits.router)
