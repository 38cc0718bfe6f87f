"""Exactly one scheduler: the holder of a PostgreSQL advisory lock (SQLite: the one process)."""

from __future__ import annotations

import structlog
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db import Database

log = structlog.get_logger(__name__)
LOCK_KEY = 0x5F1FE  # "fivefold scheduler"


class Leadership:
    """Holds the advisory lock on a dedicated connection for as long as it lives.

    If the leader process dies, PostgreSQL ends its session and releases the lock;
    the next `acquire()` of another process then succeeds.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self._connection: AsyncConnection | None = None

    async def acquire(self) -> bool:
        """True when this process is (still, or now) the leader."""
        if self.db.dialect != "postgresql":
            return True
        if self._connection is not None:
            try:
                await self._connection.execute(text("SELECT 1"))
                return True
            except Exception:
                log.warning("scheduler.leadership_lost")
                await self.release()
        connection = await self.db.engine.connect()
        try:
            got = (await connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY})).scalar()
            await connection.commit()
        except Exception:
            await connection.close()
            raise
        if got:
            self._connection = connection
            log.info("scheduler.became_leader")
            return True
        await connection.close()
        return False

    async def release(self) -> None:
        """Give the lock up (closing the session releases it)."""
        if self._connection is not None:
            try:
                await self._connection.close()
            finally:
                self._connection = None
