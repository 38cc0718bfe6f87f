"""A demo organisation on the embedded database, so a newcomer sees something real."""

from __future__ import annotations

import datetime as dt
import random
import uuid

from sqlmodel import select

from bot.db import Database
from bot.models import Member, Tenant, utcnow
from programs.reward.models import Kudos, KudosTag
from programs.reward.values import tenant_values

PEOPLE = [
    ("U0DEMO01", "Ada", "Customer Care", "Europe/Warsaw", "pl"),
    ("U0DEMO02", "Bogdan", "Customer Care", "Europe/Kyiv", "uk"),
    ("U0DEMO03", "Chloe", "Sales", "Europe/London", "en"),
    ("U0DEMO04", "Dmytro", "Engineering", "Europe/Kyiv", "uk"),
    ("U0DEMO05", "Ewa", "Engineering", "Europe/Warsaw", "pl"),
    ("U0DEMO06", "Farah", "Logistics", "America/New_York", "en"),
    ("U0DEMO07", "Grzegorz", "Logistics", "Europe/Warsaw", "pl"),
    ("U0DEMO08", "Hanna", "Marketing", "Europe/Berlin", "en"),
]
MESSAGES = [
    "stayed late to rebook a stranded customer's delivery",
    "turned an angry call into a five-star review",
    "fixed the checkout bug customers kept reporting",
    "wrote the FAQ that cut support tickets by a third",
    "drove to a customer's shop to replace a broken part",
]


async def seed_demo(db: Database, *, kudos_count: int = 40) -> Tenant:
    """Create (or reuse) the demo tenant with members, values and a month of kudos."""
    rng = random.Random(5)  # the same demo every time
    async with db.transaction() as session:
        tenant = (await session.execute(
            select(Tenant).where(Tenant.platform == "slack", Tenant.external_id == "TDEMO")
        )).scalar_one_or_none()
        if tenant is None:
            tenant = Tenant(platform="slack", external_id="TDEMO", name="Demo Company")
            session.add(tenant)
            await session.flush()
        assert tenant.id is not None
        existing = (await session.execute(select(Member).where(Member.tenant_id == tenant.id))).scalars().all()
        if existing:
            return tenant
        members = [
            Member(tenant_id=tenant.id, external_id=ext, display_name=name, real_name=name,
                   department=dept, timezone=zone, locale=locale, profile_synced_at=utcnow())
            for ext, name, dept, zone, locale in PEOPLE
        ]
        session.add_all(members)
        await session.flush()
        values = list(await tenant_values(session, tenant.id))
        now = utcnow()
        for _ in range(kudos_count):
            giver, receiver = rng.sample(members, 2)
            when = now - dt.timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 23))
            assert giver.id and receiver.id
            row = Kudos(tenant_id=tenant.id, gift_key=uuid.uuid4().hex, giver_id=giver.id,
                        receiver_id=receiver.id, message=rng.choice(MESSAGES), source="demo",
                        given_on=when.date(), created_at=when)
            session.add(row)
            await session.flush()
            assert row.id is not None and values[0].id is not None
            value = rng.choice(values)
            assert value.id is not None
            session.add(KudosTag(kudos_id=row.id, value_id=value.id))
        return tenant
