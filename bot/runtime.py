"""The running engine: database, router, engine, platform ports and background loops."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import structlog
from sqlalchemy import select
from sqlmodel import col

from bot.broadcasts.audience import Roles
from bot.broadcasts.scheduler import BroadcastScheduler
from bot.db import Database, upsert_insert
from bot.engine import Engine
from bot.members import MemberDirectory
from bot.models import Tenant, utcnow
from bot.platform import PlatformPort, TenantIdentity
from bot.router import Router
from bot.settings import Role, Settings
from bot.worker import DeliveryWorker

log = structlog.get_logger(__name__)


@dataclass
class Runtime:
    """Everything a process runs, wired by the composition root."""

    settings: Settings
    db: Database
    router: Router
    engine: Engine
    roles: Roles = field(default_factory=Roles)
    ports: dict[str, PlatformPort] = field(default_factory=dict)
    worker: DeliveryWorker | None = None
    scheduler: BroadcastScheduler | None = None
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def add_port(self, port: PlatformPort) -> None:
        """Register a platform the worker can send through."""
        self.ports[port.platform] = port

    async def start(self, role: Role) -> None:
        """Check the schema, then start the worker loops that `role` includes."""
        await self.db.require_head()
        await self.register_own_tenants()
        if role in (Role.ALL, Role.WORKER):
            self.worker = DeliveryWorker(
                self.db, self.ports, poll=self.settings.worker_poll_seconds,
                lease=dt.timedelta(seconds=self.settings.delivery_lease_seconds),
            )
            self.engine.on_commit.append(self.worker.nudge)
            self._spawn(self.worker.run_forever(self._stop))
            self._spawn(self._every(self.settings.member_sync_hours * 3600, self.sync_members))
            self.scheduler = BroadcastScheduler(
                self.db, roles=self.roles, interval=self.settings.scheduler_interval_seconds, ticks=self.router.ticks
            )
            self.scheduler.on_work.append(self.worker.nudge)
            self.scheduler.start()

    def _spawn(self, coroutine: Awaitable[None]) -> None:
        self._tasks.append(asyncio.ensure_future(coroutine))

    async def _every(self, seconds: float, job: Callable[[], Awaitable[object]]) -> None:
        while not self._stop.is_set():
            try:
                await asyncio.wait_for(self._stop.wait(), timeout=seconds)
            except TimeoutError:
                try:
                    await job()
                except Exception:
                    log.exception("periodic_job.failed", job=getattr(job, "__name__", "job"))

    async def register_own_tenants(self) -> list[Tenant]:
        """Make the tenant of a single-tenant install known now (Slack: `auth.test` of SLACK_BOT_TOKEN),
        not only when its first request arrives; returns the tenants the credentials name.

        Raises:
            ConfigurationError: a platform refused the configured credentials.
        """
        known = []
        for port in self.ports.values():
            identity = await port.own_tenant()
            if identity is not None:
                known.append(await self._ensure_tenant(port.platform, identity))
        return known

    async def _ensure_tenant(self, platform: str, identity: TenantIdentity) -> Tenant:
        async with self.db.transaction() as session:
            await session.execute(
                upsert_insert(self.db.dialect)(Tenant).values(
                    platform=platform, external_id=identity.external_id[:64], name=identity.name[:200],
                    default_locale=self.settings.default_locale, default_timezone=self.settings.default_timezone,
                    created_at=utcnow(),
                ).on_conflict_do_nothing(index_elements=["platform", "external_id"])
            )
            query = select(Tenant).where(col(Tenant.platform) == platform,
                                         col(Tenant.external_id) == identity.external_id[:64])
            tenant = (await session.execute(query)).scalars().one()
            if identity.name and not tenant.name:
                tenant.name = identity.name[:200]
            log.info("tenant.known", platform=platform, tenant=tenant.external_id)
            return tenant

    async def sync_members(self) -> int:
        """Refresh every tenant's members from its platform (the install's own tenant first made known);
        returns members seen."""
        await self.register_own_tenants()
        directory = MemberDirectory(self.db, self.settings)
        async with self.db.transaction() as session:
            tenants = list((await session.execute(select(Tenant))).scalars())
        seen = 0
        for tenant in tenants:
            port = self.ports.get(tenant.platform)
            if port is not None:
                seen += await directory.sync(tenant, port)
        return seen

    async def stop(self) -> None:
        """Stop the loops and close the database."""
        self._stop.set()
        if self.scheduler is not None:
            await self.scheduler.stop()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for port in self.ports.values():
            await port.close()
        await self.db.close()
