"""The scheduler: on every tick the leader materialises due campaign slots and runs program ticks.

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

from bot.campaigns.leader import Leadership
from bot.campaigns.materialise import SCHEDULE, active_campaigns, materialise
from bot.campaigns.schedule import slots_between
from bot.db import Database
from bot.models import utcnow

log = structlog.get_logger(__name__)
LEAD = dt.timedelta(minutes=10)  # materialise this long before the first recipient is due
CATCH_UP = dt.timedelta(days=2)  # after downtime, slots older than this are not sent

Tick = Callable[[AsyncSession, dt.datetime], Awaitable[int]]


class CampaignScheduler:
    """Materialises occurrences while this process is the leader."""

    def __init__(self, db: Database, *, interval: float = 30.0, ticks: list[Tick] | None = None) -> None:
        self.db = db
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
        created = await self._campaigns(now)
        for program_tick in self.ticks:
            async with self.db.transaction() as session:
                created += await program_tick(session, now)
        if created:
            for callback in self.on_work:
                callback()
        return created

    async def _campaigns(self, now: dt.datetime) -> int:
        async with self.db.transaction() as session:
            campaigns = await active_campaigns(session)
        created = 0
        for campaign, tenant in campaigns:
            start = max(campaign.created_at, now - CATCH_UP)
            for slot in slots_between(SCHEDULE.validate_python(campaign.schedule), start, now + LEAD):
                async with self.db.transaction() as session:
                    if await materialise(session, campaign, tenant, slot, now=now):
                        created += 1
                        log.info("campaign.materialised", campaign=campaign.id, slot=slot.key)
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
