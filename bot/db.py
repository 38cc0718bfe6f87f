"""Database engines, sessions and the schema-version check."""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot import sqlite_inline
from bot.errors import DatabaseBehindError

T = TypeVar("T")
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def sync_url(url: str) -> str:
    """The URL for synchronous drivers (Alembic, CLI reads)."""
    if url.startswith("sqlite+aiosqlite"):
        return url.replace("sqlite+aiosqlite", "sqlite", 1)
    if url.startswith("postgresql://"):
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    return url


def async_url(url: str) -> str:
    """The URL for asyncio drivers (aiosqlite, psycopg 3)."""
    url = sync_url(url)
    if url.startswith("sqlite://"):
        return url.replace("sqlite://", "sqlite+aiosqlite://", 1)
    return url


def dialect_of(session: AsyncSession) -> str:
    """`sqlite` or `postgresql`: the dialect `session` is bound to."""
    return session.bind.dialect.name if session.bind is not None else "sqlite"


def upsert_insert(dialect: str) -> Any:
    """The dialect's `insert` construct, which knows `on_conflict_do_nothing`."""
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@dataclass(frozen=True)
class Timeouts:
    """How long Fivefold waits for the database (seconds); the defaults of the settings."""

    connect: float = 5.0
    statement: float = 30.0

    def postgres_connect_args(self) -> dict[str, Any]:
        """psycopg's connection options: the connect timeout and a server-side statement timeout."""
        return {
            "connect_timeout": max(1, math.ceil(self.connect)),
            "options": f"-c statement_timeout={round(self.statement * 1000)}",
        }


def make_engine(url: str, timeouts: Timeouts = Timeouts()) -> AsyncEngine:
    """Create the async engine for `url`.

    SQLite gets one connection: the embedded database runs in one process, and
    serialising its transactions in the pool is what makes counting (the daily
    kudos allowance, outbox claims) race-free without `database is locked` errors.
    SQL parameters are never put in error messages (they hold what people wrote).
    """
    url = async_url(url)
    if url.startswith("sqlite"):
        # the one connection runs its calls inline: see bot.sqlite_inline for why that is safe
        engine = create_async_engine(
            url, pool_size=1, max_overflow=0, pool_timeout=60, hide_parameters=True,
            async_creator=sqlite_inline.opener(make_url(url).database or ":memory:"),
        )
        event.listen(engine.sync_engine, "connect", _tune_sqlite)
        return engine
    # no pre-ping: a round trip per checkout costs more than the rare reconnect (OperationalError is
    # answered politely and the pool replaces dead connections)
    return create_async_engine(
        url, pool_size=10, max_overflow=20, pool_recycle=1800, pool_timeout=timeouts.connect,
        hide_parameters=True, connect_args=timeouts.postgres_connect_args(),
    )


class Database:
    """The process's database: an engine and a session factory."""

    def __init__(self, url: str, timeouts: Timeouts = Timeouts()) -> None:
        self.url = url
        self.timeouts = timeouts
        self.engine = make_engine(url, timeouts)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on error."""
        async with self.sessions() as session, session.begin():
            yield session

    async def ping(self) -> bool:
        """True when the database answers."""
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    async def schema_revision(self) -> str | None:
        """The Alembic revision the database is at (None when never migrated)."""
        async with self.engine.connect() as conn:
            return await conn.run_sync(_current_revision)

    async def require_head(self) -> None:
        """Raise DatabaseBehindError unless the schema is at the newest migration."""
        current, head = await self.schema_revision(), head_revision()
        if current != head:
            raise DatabaseBehindError(
                f"the database is at migration {current or 'none'} but this Fivefold needs "
                f"{head}; run `fivefold migrate` first"
            )

    async def close(self) -> None:
        """Release every pooled connection."""
        await self.engine.dispose()


async def within(seconds: float, work: Awaitable[T]) -> T | None:
    """`work`'s result, or None when it takes longer than `seconds`.

    The work runs in its own task, which is cancelled and left behind when the time is up:
    a database that holds traffic could keep even the cancellation's clean-up waiting.
    """
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=seconds)
    if done:
        return task.result()
    task.cancel()
    task.add_done_callback(_retrieve)
    return None


def _retrieve(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()  # retrieved, so asyncio does not log "exception was never retrieved"


def _current_revision(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def alembic_config(url: str) -> Any:
    """An Alembic Config pointing at our migrations and `url`."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", sync_url(url).replace("%", "%%"))
    return config


def head_revision() -> str | None:
    """The newest migration shipped with this code."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def migrate(url: str, revision: str = "head") -> None:
    """Upgrade the database at `url` to `revision`."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)
