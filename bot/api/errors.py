"""Errors the admin API answers with (shaped like FastAPI's own), and the ids it accepts."""

from __future__ import annotations

from typing import Annotated

from fastapi import HTTPException, Path, status


def not_found(kind: str) -> HTTPException:
    """404 for a resource that does not exist in the caller's tenant (another tenant's looks the same)."""
    return HTTPException(status.HTTP_404_NOT_FOUND, f"{kind} not found")


def invalid(location: tuple[str | int, ...], message: str) -> HTTPException:
    """422 naming the field, in the `detail` shape FastAPI uses for request validation."""
    detail = [{"type": "value_error", "loc": ["body", *location], "msg": message}]
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail)


def conflict(message: str) -> HTTPException:
    """409: the request is valid but the resource's state refuses it."""
    return HTTPException(status.HTTP_409_CONFLICT, message)


MAX_ID = 2**31 - 1
ResourceId = Annotated[int, Path(ge=1, le=MAX_ID, description="The resource's id.")]
"""A path id; one out of the database's integer range is a 422, never a database error."""
