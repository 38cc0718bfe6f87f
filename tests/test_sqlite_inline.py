"""The embedded database's inline driver keeps SQLite's transaction guarantees."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.db import Database
from bot.sqlite_inline import InlineConnection
from tests import databases


@pytest.fixture
def db(tmp_path: Path, sqlite_template: Path) -> Database:
    return Database(databases.sqlite_copy(sqlite_template, tmp_path))


def run(coroutine: object) -> object:
    return asyncio.run(coroutine)  # type: ignore[arg-type]


async def tenants(db: Database) -> list[str]:
    async with db.transaction() as session:
        rows = await session.execute(text("SELECT external_id FROM tenant ORDER BY external_id"))
        return [row[0] for row in rows]


async def add_tenant(db: Database, external_id: str, *, fail: bool = False) -> None:
    async with db.transaction() as session:
        await session.execute(
            text("INSERT INTO tenant (platform, external_id, name, default_locale, default_timezone, created_at) "
                 "VALUES ('slack', :id, '', 'en', 'UTC', CURRENT_TIMESTAMP)"),
            {"id": external_id},
        )
        if fail:
            raise RuntimeError("refused after the insert")


def test_the_engine_uses_the_inline_driver(db: Database) -> None:
    async def driver() -> object:
        async with db.engine.connect() as conn:
            raw = await conn.get_raw_connection()
            return raw.driver_connection
        
    assert isinstance(run(driver()), InlineConnection)
    run(db.close())


def test_a_failed_transaction_leaves_nothing_behind(db: Database) -> None:
    async def scenario() -> list[str]:
        await add_tenant(db, "T1")
        with pytest.raises(RuntimeError):
            await add_tenant(db, "T2", fail=True)
        with pytest.raises(IntegrityError):  # sqlite3's error, as SQLAlchemy's type
            await add_tenant(db, "T1")
        await add_tenant(db, "T3")  # the connection is still usable
        found = await tenants(db)
        await db.close()
        return found

    assert run(scenario()) == ["T1", "T3"]


def test_concurrent_transactions_take_turns(db: Database) -> None:
    """Read-then-write increments from 30 tasks at once lose no update."""

    async def bump() -> None:
        async with db.transaction() as session:
            current = (await session.execute(text("SELECT count(*) FROM tenant"))).scalar_one()
            await asyncio.sleep(0)  # give every other task the chance to interleave
            await session.execute(
                text("INSERT INTO tenant (platform, external_id, name, default_locale, default_timezone, "
                     "created_at) VALUES ('slack', :id, '', 'en', 'UTC', CURRENT_TIMESTAMP)"),
                {"id": f"T{current:03d}"},  # a lost update would repeat an id: IntegrityError
            )

    async def scenario() -> list[str]:
        await asyncio.gather(*(bump() for _ in range(30)))
        found = await tenants(db)
        await db.close()
        return found

    assert run(scenario()) == [f"T{n:03d}" for n in range(30)]
