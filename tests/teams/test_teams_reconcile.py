"""Closing the crash window between a Teams send and the commit that records it.

Every card Fivefold posts carries its delivery id (the first element's id and
`channelData.fivefold.delivery`). A delivery that comes back because its worker
died holding the lease is looked for in the conversation's recent messages
through Microsoft Graph before anything is posted again. The worker's death is
the one `kill -9` causes: the connector answered 201, nothing was committed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import select

from adapters.teams.port import TeamsPort
from adapters.teams.references import conversation_from_activity
from app import create_worker_runtime
from bot import claims, outbox
from bot.messages import Message, Text, compose
from bot.models import Member, TargetKind, Tenant, utcnow
from bot.runtime import Runtime
from bot.worker import DeliveryWorker
from tests.conftest import make_settings, scalar, wait_until
from tests.teams.activities import CHANNEL, PEOPLE, TENANT, activity
from tests.teams.fake_botframework import APP_ID, FakeBotFramework
from tests.workers import Process, kill_all, start_worker, wait_idle, worker_env

NAMES = ("alice", "bob", "carol")
GROUP = "0f1e2d3c-aaaa-4bbb-8ccc-00000000team"


@pytest.fixture
def fake() -> Iterator[FakeBotFramework]:
    with FakeBotFramework() as running:
        yield running


def runtime_for(database_url: str, fake: FakeBotFramework) -> Runtime:
    settings = make_settings(
        database_url, fake.url, MICROSOFT_APP_ID=APP_ID, MICROSOFT_APP_PASSWORD="test-password",
        TEAMS_LOGIN_URL=fake.url, TEAMS_GRAPH_URL=fake.url + "v1.0",
        FIVEFOLD_TEAMS_RATE_PER_SECOND=1000.0,
    )
    return create_worker_runtime(settings)


def teams_port(runtime: Runtime) -> TeamsPort:
    port = runtime.ports["teams"]
    assert isinstance(port, TeamsPort)
    return port


async def seed(runtime: Runtime, fake: FakeBotFramework) -> None:
    """A Teams tenant, three members with their 1:1 chats, the Support channel, and a DM each."""
    port = teams_port(runtime)
    message = Message(fallback="Kudos!", blocks=[Text(spans=compose("Kudos from Fivefold"))])
    async with runtime.db.transaction() as session:
        tenant = Tenant(platform="teams", external_id=TENANT, name="Contoso", default_locale="en",
                        default_timezone="UTC")
        session.add(tenant)
        await session.flush()
        assert tenant.id is not None
        outgoing = []
        for name in NAMES:
            aad = PEOPLE[name]["aadObjectId"]
            session.add(Member(tenant_id=tenant.id, external_id=aad, display_name=PEOPLE[name]["name"]))
            outgoing.append(outbox.Outgoing(tenant_id=tenant.id, dedupe_key=f"dm:{name}",
                                            target_kind=TargetKind.MEMBER, target_id=aad, message=message))
        outgoing.append(outbox.Outgoing(tenant_id=tenant.id, dedupe_key="card", target_kind=TargetKind.CHANNEL,
                                        target_id=CHANNEL, message=message))
        await outbox.enqueue_all(session, outgoing)
    for name in NAMES:
        chat = activity("conversationUpdate", fake.url, sender=name, membersAdded=[])
        await port.store.save_conversation(TENANT, conversation_from_activity(chat))
    channel = activity("message", fake.url, channel=True)
    channel["channelData"]["team"]["aadGroupId"] = GROUP
    await port.store.save_conversation(TENANT, conversation_from_activity(channel))


async def claim_and_post_without_recording(runtime: Runtime, *, post_them: bool) -> dict[int, str]:
    """What a worker does up to its `kill -9`: claim every due row, post (or not), record nothing."""
    port = teams_port(runtime)
    async with runtime.db.transaction() as session:
        tenant = (await session.execute(select(Tenant))).scalars().one()
        assert tenant.id is not None
        rows = list(await claims.claim_for_tenant(session, tenant.id, now=utcnow(), limit=100))
    posted: dict[int, str] = {}
    if post_them:
        for row in rows:
            assert row.id is not None
            result = await port.send(tenant, row, Message.model_validate(row.message))
            posted[row.id] = result.message_id or ""
    await port.close()
    return posted


def expire_leases(sql: Any) -> None:
    with sql.begin() as conn:
        conn.execute(text("update delivery set lease_until = :past where status = 'in_flight'"),
                     {"past": utcnow() - dt.timedelta(seconds=1)})


def run_worker_until_settled(runtime: Runtime, sql: Any, timeout: float = 20.0) -> None:
    async def go() -> None:
        worker = DeliveryWorker(runtime.db, runtime.ports, poll=0.05)
        deadline = asyncio.get_running_loop().time() + timeout
        try:
            while scalar(sql, "select count(*) from delivery where status in ('pending', 'in_flight')"):
                assert asyncio.get_running_loop().time() < deadline, "deliveries did not settle"
                if not await worker.run_once():
                    await asyncio.sleep(0.05)
        finally:
            for port in runtime.ports.values():
                await port.close()
            await runtime.db.close()

    asyncio.run(go())


def crashed_after_posting(database_url: str, fake: FakeBotFramework, sql: Any) -> dict[int, str]:
    first = runtime_for(database_url, fake)
    asyncio.run(seed(first, fake))
    posted = asyncio.run(claim_and_post_without_recording(first, post_them=True))
    asyncio.run(first.db.close())
    assert len(posted) == len(NAMES) + 1 and all(posted.values())
    assert scalar(sql, "select count(*) from delivery where status = 'in_flight'") == len(posted)
    expire_leases(sql)
    return posted


def test_a_post_that_was_never_recorded_is_reconciled_not_sent_again(fake, database_url, sql):
    posted = crashed_after_posting(database_url, fake, sql)

    run_worker_until_settled(runtime_for(database_url, fake), sql)  # the restarted worker

    per_conversation = Counter(p.conversation for p in fake.activities())
    assert per_conversation == Counter({f"a:1personal-{n}": 1 for n in NAMES} | {CHANNEL: 1})
    with sql.connect() as conn:
        rows = conn.execute(text("select id, platform_message_id from delivery where status = 'sent'"))
        recorded = {row[0]: row[1] for row in rows}
    assert recorded == posted  # the original conversation:activity ids, found through Graph
    assert f"/v1.0/teams/{GROUP}/channels/{CHANNEL}/messages" in fake.graph_calls, fake.graph_calls
    tagged = fake.activities(CHANNEL)[0].body
    assert tagged["channelData"]["fivefold"]["delivery"].startswith("fivefold-delivery-")


def test_a_crash_before_the_post_sends_once_after_the_lease(fake, database_url, sql):
    first = runtime_for(database_url, fake)
    asyncio.run(seed(first, fake))
    asyncio.run(claim_and_post_without_recording(first, post_them=False))
    asyncio.run(first.db.close())
    expire_leases(sql)

    run_worker_until_settled(runtime_for(database_url, fake), sql)

    per_conversation = Counter(p.conversation for p in fake.activities())
    assert per_conversation == Counter({f"a:1personal-{n}": 1 for n in NAMES} | {CHANNEL: 1})
    assert scalar(sql, "select max(attempts) from delivery") == 2


def test_without_graph_permissions_the_delivery_is_not_stuck(fake, database_url, sql):
    """A tenant that did not grant the read permissions: documented fallback, sent again."""
    crashed_after_posting(database_url, fake, sql)
    fake.graph_forbidden = True

    run_worker_until_settled(runtime_for(database_url, fake), sql)

    assert scalar(sql, "select count(*) from delivery where status = 'sent'") == len(NAMES) + 1
    assert Counter(p.conversation for p in fake.activities())[CHANNEL] == 2
    assert fake.graph_calls  # it did ask


def test_graph_throttling_delays_the_retry_instead_of_sending_blind(fake, database_url, sql):
    crashed_after_posting(database_url, fake, sql)
    original = fake.graph
    throttled: list[str] = []

    def once_throttled(path: str, auth: str) -> tuple[int, Any, dict[str, str]]:
        if not throttled:
            throttled.append(path)
            return 429, {"error": {"code": "TooManyRequests"}}, {"Retry-After": "1"}
        return original(path, auth)

    fake.graph = once_throttled  # type: ignore[method-assign]
    runtime = runtime_for(database_url, fake)

    async def first_pass() -> None:
        try:
            await DeliveryWorker(runtime.db, runtime.ports, poll=0.05).run_once()
        finally:
            for port in runtime.ports.values():
                await port.close()
            await runtime.db.close()

    asyncio.run(first_pass())
    assert throttled
    assert scalar(sql, "select count(*) from delivery where error like 'reconcile failed%'") == 1
    with sql.begin() as conn:
        conn.execute(text("update delivery set due_at = :now where status = 'pending'"), {"now": utcnow()})
    run_worker_until_settled(runtime_for(database_url, fake), sql)
    per_conversation = Counter(p.conversation for p in fake.activities())
    assert per_conversation == Counter({f"a:1personal-{n}": 1 for n in NAMES} | {CHANNEL: 1})


def test_a_worker_killed_between_send_and_commit_is_reconciled_by_the_next(fake, database_url, sql, tmp_path):
    """kill -9 while Teams holds the answers to posts it already took: no post is repeated."""
    seeding = runtime_for(database_url, fake)
    asyncio.run(seed(seeding, fake))
    asyncio.run(seeding.db.close())
    env = worker_env(
        database_url, fake.url, MICROSOFT_APP_ID=APP_ID, MICROSOFT_APP_PASSWORD="test-password",
        TEAMS_LOGIN_URL=fake.url, TEAMS_GRAPH_URL=fake.url + "v1.0", FIVEFOLD_TEAMS_RATE_PER_SECOND=1000,
        FIVEFOLD_DELIVERY_LEASE_SECONDS=2,
    )
    fake.hold = 20.0
    processes: list[Process] = []
    try:
        first = start_worker(env, tmp_path / "first.log")
        processes.append(first)
        wait_until(lambda: len(fake.activities()) == len(NAMES) + 1, timeout=30, message="all posted")
        first.kill()  # SIGKILL: Teams took every post, nothing was committed
        fake.hold = 0.0
        assert scalar(sql, "select count(*) from delivery where status = 'in_flight'") == len(NAMES) + 1
        second = start_worker(env, tmp_path / "second.log")
        processes.append(second)
        wait_idle(second)
        wait_until(
            lambda: scalar(sql, "select count(*) from delivery where status = 'sent'") == len(NAMES) + 1,
            timeout=30, message="all recorded",
        )
    finally:
        kill_all(processes)
    per_conversation = Counter(p.conversation for p in fake.activities())
    assert per_conversation == Counter({f"a:1personal-{n}": 1 for n in NAMES} | {CHANNEL: 1})
    with sql.connect() as conn:
        recorded = {row[0] for row in conn.execute(text("select platform_message_id from delivery"))}
    assert recorded == {f"{p.conversation}:{p.activity_id}" for p in fake.activities()}
    assert processes[1].output().count("delivery.reconciled") == len(NAMES) + 1
