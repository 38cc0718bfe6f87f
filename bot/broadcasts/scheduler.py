"""The scheduler: on every tick the leader materialises due broadcast slots and runs program ticks.

APScheduler 3 only times the tick (in-memory job store, never shared between
processes); every change it causes is keyed in the database, so a second firing
or a second scheduler changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

import structlog
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession

from bot.broadcasts.audience import Roles
from bot.broadcasts.leader import Leadership
from bot.broadcasts.planning import materialise_due
from bot.db import Database
from bot.models import utcnow

log = structlog.get_logger(__name__)

Tick = Callable[[AsyncSession, dt.datetime], Awaitable[int]]


class BroadcastScheduler:
    """Materialises occurrences while this process is the leader."""

    def __init__(self, db: Database, *, roles: Roles, interval: float = 30.0, ticks: list[Tick] | None = None) -> None:
        self.db = db
        self.roles = roles
        self.interval = interval
        self.ticks = ticks or []
        self.leadership = Leadership(db)
        self.on_work: list[Callable[[], None]] = []
        self._apscheduler: AsyncIOScheduler | None = None

    async def tick(self, now: dt.datetime | None = None) -> int:
        """One pass: returns how many occurrences (and program items) were created."""
        if not await self.leadership.acquire():
            return 0
        now = now or utcnow()
        created = await materialise_due(self.db, now, self.roles)
        for program_tick in self.ticks:
            try:
                async with self.db.transaction() as session:
                    created += await program_tick(session, now)
            except Exception:  # one program's failure does not stop the others' ticks
                log.exception("scheduler.program_tick_failed", tick=getattr(program_tick, "__qualname__", "tick"))
        if created:
            for callback in self.on_work:
                callback()
        return created

    def start(self) -> None:
        """Start ticking every `interval` seconds (first tick right away)."""
        self._apscheduler = AsyncIOScheduler(timezone=dt.UTC)
        self._apscheduler.add_job(self._safe_tick, "interval", seconds=self.interval, coalesce=True,
                                  max_instances=1, next_run_time=dt.datetime.now(dt.UTC))
        self._apscheduler.start()

    async def _safe_tick(self) -> None:
        try:
            await self.tick()
        except Exception:
            log.exception("scheduler.tick_failed")

    async def stop(self) -> None:
        """Stop ticking and give leadership up."""
        if self._apscheduler is not None:
            self._apscheduler.shutdown(wait=False)
        await self.leadership.release()
