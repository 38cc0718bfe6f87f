"""An aiosqlite-compatible connection that runs SQLite calls on the event loop's thread.

SQLAlchemy's async SQLite dialect talks to aiosqlite, which hands every call
(cursor, execute, fetch, close, commit …) to a private thread and wakes the event
loop when it is done: about four thread round trips per statement. For the
embedded database that costs more than the work itself, because

* Fivefold's SQLite engine has exactly one connection (see `bot.db.make_engine`),
  so its transactions are serialised anyway and no other query could run in
  parallel with this one;
* the database is a local file in WAL mode with `synchronous=NORMAL`, so a
  statement or a commit takes microseconds and never waits for the disk.

This module keeps aiosqlite's interface (what SQLAlchemy's adapter calls) and
runs each call directly. The one case where a call blocks for longer is another
*process* holding the write lock (a CLI command writing at that moment): SQLite
then waits up to `busy_timeout` for it, and the event loop waits with it. The
embedded database is meant for one Fivefold process; PostgreSQL is the database
for more (see the README).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable, Iterable
from typing import Any


class InlineCursor:
    """An aiosqlite-style cursor over a `sqlite3.Cursor`."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    @property
    def description(self) -> Any:
        """The column description of the last query (None for DML without RETURNING)."""
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        """Rows changed by the last statement."""
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        """The rowid of the last inserted row."""
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        """Rows `fetchmany` returns by default."""
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Any = None) -> InlineCursor:
        """Run one statement."""
        if parameters is None:
            self._cursor.execute(sql)
        else:
            self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> InlineCursor:
        """Run one statement for each parameter set."""
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self) -> Any:
        """The next row, or None."""
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        """Up to `size` rows."""
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        """Every remaining row."""
        return self._cursor.fetchall()

    async def close(self) -> None:
        """Release the cursor."""
        self._cursor.close()

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()


class _ImmediateQueue:
    """Stands in for aiosqlite's request queue: runs the function at once.

    SQLAlchemy sets the isolation level by putting `(future, function)` on it.
    """

    @staticmethod
    def put_nowait(item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:
            future.set_exception(error)


class InlineConnection:
    """An aiosqlite-style connection over a `sqlite3.Connection`, without a thread."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn = connection
        self._connection: sqlite3.Connection | None = connection
        self._tx = _ImmediateQueue()

    @property
    def isolation_level(self) -> str | None:
        """The sqlite3 module's transaction mode."""
        return self._conn.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._conn.isolation_level = value  # type: ignore[assignment]

    def cursor(self) -> InlineCursor:
        """A new cursor (SQLAlchemy enters it with `async with`, as aiosqlite's)."""
        return InlineCursor(self._conn.cursor())

    async def execute(self, sql: str, parameters: Any = None) -> InlineCursor:
        """Run one statement on a new cursor."""
        return await self.cursor().execute(sql, parameters)

    async def commit(self) -> None:
        """Commit the open transaction."""
        self._conn.commit()

    async def rollback(self) -> None:
        """Roll the open transaction back."""
        self._conn.rollback()

    async def create_function(self, name: str, num_params: int, func: Callable[..., Any], **kw: Any) -> None:
        """Register a Python function with SQLite."""
        self._conn.create_function(name, num_params, func, **kw)

    async def close(self) -> None:
        """Close the connection (closing twice is harmless)."""
        if self._connection is not None:
            self._connection = None
            self._conn.close()

    def stop(self) -> None:
        """Close at once (SQLAlchemy's forced termination)."""
        if self._connection is not None:
            self._connection = None
            self._conn.close()


def opener(database: str) -> Callable[[], Awaitable[InlineConnection]]:
    """SQLAlchemy's `async_creator` for the SQLite file `database`."""

    async def connect() -> InlineConnection:
        # the pool may close a connection from another thread (garbage collection)
        return InlineConnection(sqlite3.connect(database, check_same_thread=False))

    return connect
