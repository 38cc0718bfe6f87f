"""Waking the workers of other processes when deliveries are added (PostgreSQL LISTEN/NOTIFY).

A transaction that adds deliveries also runs `pg_notify`, which PostgreSQL hands to
every listening connection when (and only if) that transaction commits. Each worker
holds one listening connection and wakes at once instead of at its next poll, so a
kudos DM queued by the web process goes out within milliseconds even when the worker
runs in another process. Polling (`FIVEFOLD_WORKER_POLL_SECONDS`) stays the fallback
while the listening connection is down. SQLite runs one process, where the engine
wakes its worker directly, so there is nothing to do there.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

import psycopg
import structlog
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import dialect_of, sync_url

log = structlog.get_logger(__name__)

CHANNEL = "fivefold_outbox"
_NOTIFY = text(f"SELECT pg_notify('{CHANNEL}', '')")
LONGEST_PAUSE = 30.0  # seconds between reconnection attempts at most


async def announce(session: AsyncSession) -> None:
    """Tell every listening worker that `session`'s transaction added deliveries (on commit; no-op on SQLite)."""
    if dialect_of(session) == "postgresql":
        await session.execute(_NOTIFY)


def conninfo(url: str) -> str:
    """A libpq connection string for the database `url` names (any SQLAlchemy PostgreSQL URL)."""
    parsed = make_url(sync_url(url)).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


class Listener:
    """Keeps one connection LISTENing and calls `on_wake` for every notification (and after each reconnect)."""

    def __init__(self, url: str, on_wake: Callable[[], None], *, connect_timeout: float = 5.0) -> None:
        self.conninfo = conninfo(url)
        self.on_wake = on_wake
        self.connect_timeout = max(1, round(connect_timeout))
        self.listening = asyncio.Event()  # set while the connection listens (tests and logs read it)

    async def run(self, stop: asyncio.Event) -> None:
        """Listen until `stop` is set, reconnecting with a growing pause (1 s up to 30 s) when the connection fails."""
        pause = 1.0
        while not stop.is_set():
            try:
                await self._listen(stop)
                pause = 1.0
            except (psycopg.Error, OSError) as exc:
                log.warning("worker.listen_failed", error=f"{type(exc).__name__}: {exc}", retry_in=pause)
            finally:
                self.listening.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=pause)
            pause = min(LONGEST_PAUSE, pause * 2)

    async def _listen(self, stop: asyncio.Event) -> None:
        connection = await psycopg.AsyncConnection.connect(
            self.conninfo, autocommit=True, connect_timeout=self.connect_timeout
        )
        async with connection:
            await connection.execute(f"LISTEN {CHANNEL}")
            self.listening.set()
            self.on_wake()  # whatever was added while nobody listened
            while not stop.is_set():
                # wake up now and then to notice `stop` (and a connection that died quietly)
                async for _notice in connection.notifies(timeout=1.0):
                    self.on_wake()
