"""FastAPI dependencies of the admin API: a session per request and the caller's key."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.keys import Role, find_api_key
from bot.broadcasts.audience import Roles
from bot.db import Database

bearer = HTTPBearer(
    auto_error=False,
    description="An API key from `fivefold apikey create`, sent as `Authorization: Bearer <key>`. "
                "The scheme is case-insensitive (`bearer <key>` is accepted too), as RFC 7235 says.",
)


async def _session(request: Request) -> AsyncIterator[AsyncSession]:
    db: Database = request.app.state.db
    async with db.transaction() as session:
        yield session


# scope="function": commit before the response is sent, so a 201 means the row is durable
SessionDep = Annotated[AsyncSession, Depends(_session, scope="function")]


def _roles(request: Request) -> Roles:
    roles: Roles = request.app.state.runtime.roles
    return roles


# the role audiences the programs installed (a broadcast's `{"kind": "<role>"}`)
RolesDep = Annotated[Roles, Depends(_roles)]


@dataclass(frozen=True)
class Principal:
    """Who is calling: the tenant every query is scoped to, and the key's role."""

    tenant_id: int
    role: Role
    key_id: int


async def _principal(
    session: SessionDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Principal:
    unauthorized = HTTPException(status.HTTP_401_UNAUTHORIZED, "a valid API key is required",
                                 headers={"WWW-Authenticate": "Bearer"})
    if credentials is None:
        raise unauthorized
    row = await find_api_key(session, credentials.credentials)
    if row is None or row.id is None:
        raise unauthorized
    return Principal(tenant_id=row.tenant_id, role=Role(row.role), key_id=row.id)


async def _admin(principal: Annotated[Principal, Depends(_principal)]) -> Principal:
    if principal.role is not Role.ADMIN:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this API key is read-only (analyst)")
    return principal


ReaderKey = Annotated[Principal, Depends(_principal)]
AdminKey = Annotated[Principal, Depends(_admin)]
