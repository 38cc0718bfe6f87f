"""A tenant's current outbox send rate, as `/metrics` shows it (`fivefold_send_rate_per_second`).

On PostgreSQL every worker shares the tenant's pace row, so its `rate` is current
whichever process sent last; on SQLite pacing lives in the one process's memory, and
the rate is the gauge this process's worker last set (what `/metrics` serves).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.metrics import SEND_RATE
from bot.models import Tenant
from bot.pace_store import Pace
from bot.pacer import Budget
from bot.throttle import PaceProfile

_ANY = PaceProfile(start=0.0, ceiling=0.0, burst=0)  # only the budget's key is wanted


def reported_rate(label: str) -> float | None:
    """The rate this process's worker last reported for `label` (`platform:external_id`), if it did."""
    for metric in SEND_RATE.collect():
        for sample in metric.samples:
            if sample.labels.get("tenant") == label:
                return float(sample.value)
    return None  # read without `labels()`, which would add a 0 to /metrics


async def send_rate(session: AsyncSession, tenant: Tenant) -> float | None:
    """Messages a second the worker currently allows the tenant; None before its first send.

    Args:
        session: any session on the tenant's database.
        tenant: the tenant (its id keys the pace row, its platform and id label the gauge).
    """
    assert tenant.id is not None
    row = await session.get(Pace, Budget(tenant.id, "", _ANY, ()).key)
    if row is not None and row.rate is not None:
        return float(row.rate)
    return reported_rate(f"{tenant.platform}:{tenant.external_id}")  # the worker's label (`DeliveryWorker._budget`)
