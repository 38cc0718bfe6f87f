"""A reviewed row's status changes once, however many reviewers click at the same time."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

Row = TypeVar("Row", bound=SQLModel)


async def transition(
    session: AsyncSession, model: type[Row], row_id: int, *, tenant_id: int, expected: str, values: dict[str, Any],
) -> tuple[Row | None, bool]:
    """Apply `values` to the row if its status is still `expected`; the row afterwards and whether this call changed it.

    The UPDATE is conditional on the status, so of two concurrent calls one
    changes the row and the other (PostgreSQL re-checks after the first commits;
    SQLite runs one writer at a time) finds it decided. A row of another tenant
    is reported as missing.
    """
    table = model.__table__  # type: ignore[attr-defined]
    changed = await session.execute(
        update(table).where(table.c.id == row_id, table.c.tenant_id == tenant_id, table.c.status == expected)
        .values(**values).returning(table.c.id)
    )
    did_change = changed.first() is not None
    row = await session.get(model, row_id, populate_existing=True)
    if row is None or getattr(row, "tenant_id", None) != tenant_id:
        return None, False
    return row, did_change
