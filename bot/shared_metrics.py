"""What `/metrics` reads from the database: figures every process shares, whichever one serves the scrape.

The worker may run in another process (`fivefold worker`, or the child `fivefold serve`
starts on PostgreSQL), so the web process's own counters do not see its sends. The
outbox (`fivefold_outbox_deliveries`) and, on PostgreSQL, every tenant's current send
rate (`fivefold_send_rate_per_second`, kept in the shared pace rows) are read from the
database at each scrape instead. On SQLite the one process's worker sets the rate itself.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import col, select

from bot.db import Database
from bot.metrics import OUTBOX, SEND_RATE
from bot.models import Delivery, DeliveryStatus, Lane, Tenant
from bot.pace_store import Pace
from bot.pacer import TENANT_KEY_PREFIX

# the outbox states worth watching (the console's delivery health shows the same)
WATCHED = (DeliveryStatus.PENDING.value, DeliveryStatus.IN_FLIGHT.value, DeliveryStatus.FAILED.value)


async def refresh(db: Database) -> None:
    """Set the shared gauges from the database (raises what the database raises)."""
    async with db.transaction() as session:
        counts = await session.execute(
            select(Tenant.platform, Delivery.lane, Delivery.status, func.count())
            .join(Tenant, col(Tenant.id) == col(Delivery.tenant_id))
            .where(col(Delivery.status).in_(WATCHED))
            .group_by(col(Tenant.platform), col(Delivery.lane), col(Delivery.status))
        )
        found = {(platform, lane, status): int(count) for platform, lane, status, count in counts}
        platforms = set((await session.execute(select(Tenant.platform).distinct())).scalars())
        rates = []
        if db.dialect == "postgresql":
            key = func.concat(TENANT_KEY_PREFIX, Tenant.id)  # the tenant's pace key (`pacer.Budget.key`)
            rates = list(await session.execute(
                select(Tenant.platform, Tenant.external_id, Pace.rate)
                .join(Pace, col(Pace.key) == key).where(col(Pace.rate).is_not(None))
            ))
    for platform in platforms:
        for lane in (lane.value for lane in Lane):
            for status in WATCHED:  # a drained outbox shows 0, not the last non-zero count
                OUTBOX.labels(platform=platform, lane=lane, status=status).set(found.get((platform, lane, status), 0))
    for platform, external_id, rate in rates:
        SEND_RATE.labels(tenant=f"{platform}:{external_id}").set(float(rate))
