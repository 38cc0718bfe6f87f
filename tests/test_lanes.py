"""Lanes: a person waiting (interactive) is served before a broadcast backlog."""

from __future__ import annotations

import datetime as dt

from bot.claims import claim_for_tenant
from bot.db import Database
from bot.messages import Message, Text, compose
from bot.models import Lane, TargetKind, utcnow
from bot.outbox import Outgoing, enqueue_all
from tests.workers import member_ids, seed_tenant_and_members


async def test_interactive_deliveries_are_claimed_before_an_older_broadcast_backlog(database_url):
    seed_tenant_and_members(database_url, member_ids(1))
    db = Database(database_url)
    message = Message(fallback="hello", blocks=[Text(spans=compose("hello"))])
    earlier = utcnow() - dt.timedelta(minutes=5)
    try:
        async with db.transaction() as session:
            broadcast = [
                Outgoing(1, f"occ:1:{n}", TargetKind.MEMBER, f"U{n}", message,
                         due_at=earlier + dt.timedelta(seconds=30 - n), lane=Lane.BROADCAST)
                for n in range(30)
            ]
            kudos = [Outgoing(1, f"kudos:{n}", TargetKind.MEMBER, f"U{n}", message) for n in range(3)]
            assert await enqueue_all(session, broadcast + kudos) == 33
        async with db.transaction() as session:
            claimed = await claim_for_tenant(session, 1, now=utcnow(), limit=5)
            keys = [row.dedupe_key for row in claimed]
            lanes = [row.lane for row in claimed]
    finally:
        await db.close()
    assert keys[:3] == ["kudos:0", "kudos:1", "kudos:2"]
    assert lanes == ["interactive"] * 3 + ["broadcast"] * 2
    assert keys[3:] == ["occ:1:29", "occ:1:28"]  # then the broadcast's oldest rows
