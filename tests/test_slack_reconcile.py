"""Closing the crash window between `chat.postMessage` and the commit that records it.

Every post carries its delivery id in message metadata; a delivery that comes back
(its worker died with the lease, or its last try ended in an ambiguous error) is
looked up in the conversation's history before anything is posted again.
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

from adapters.slack.port import SlackPort
from app import create_worker_runtime
from bot import claims
from bot.messages import Message
from bot.models import Delivery, TargetKind, Tenant, utcnow
from bot.runtime import Runtime
from bot.worker import DeliveryWorker
from tests.conftest import make_settings, scalar
from tests.fakes.slack_api import FakeSlack, Scripted
from tests.workers import member_ids, seed_tenant_and_members, send_now_async

USERS = member_ids(5, prefix="U0REC")


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as running:
        yield running


def runtime_for(database_url: str, fake: FakeSlack) -> Runtime:
    return create_worker_runtime(make_settings(database_url, fake.url))


def slack_port(runtime: Runtime) -> SlackPort:
    port = runtime.ports["slack"]
    assert isinstance(port, SlackPort)
    return port


def delivery(delivery_id: int, target: str, *, kind: TargetKind = TargetKind.MEMBER,
             created: dt.datetime | None = None) -> Delivery:
    return Delivery(id=delivery_id, tenant_id=1, dedupe_key=f"k{delivery_id}", target_kind=kind.value,
                    target_id=target, message={"fallback": "hello"}, created_at=created or utcnow())


TENANT = Tenant(id=1, platform="slack", external_id="T0FIVE001")


async def post(port: SlackPort, row: Delivery) -> str:
    result = await port.send(TENANT, row, Message(fallback="hello"))
    assert result.message_id
    return result.message_id


# --- SlackPort.find_sent against the fake Web API ------------------------------


def test_find_sent_finds_a_dm_by_its_delivery_id_through_conversations_open(fake, tmp_path):
    runtime = runtime_for(f"sqlite:///{tmp_path}/unused.db", fake)
    port = slack_port(runtime)

    async def scenario() -> tuple[str, str | None, str | None]:
        try:
            posted = await post(port, delivery(41, USERS[0]))
            await post(port, delivery(42, USERS[1]))
            return posted, await port.find_sent(TENANT, delivery(41, USERS[0])), \
                await port.find_sent(TENANT, delivery(43, USERS[0]))
        finally:
            await port.close()

    posted, found, other = asyncio.run(scenario())
    assert found == posted and found.startswith("D")
    assert other is None  # a delivery that was never posted is not confused with another one
    opened = fake.calls_to("conversations.open")
    assert [c.params["users"] for c in opened] == [USERS[0], USERS[0]]
    history = fake.calls_to("conversations.history")[0].params
    assert history["channel"] == fake.dm_channel(USERS[0])
    assert str(history["include_all_metadata"]).lower() in ("true", "1")
    assert int(history["limit"]) == 200


def test_find_sent_pages_a_busy_channel_and_respects_the_time_window(fake, tmp_path):
    port = slack_port(runtime_for(f"sqlite:///{tmp_path}/unused.db", fake))
    # 451 posts to one channel as fast as it goes: the port does not pace, the worker does
    channel = "C0BUSY001"

    async def scenario() -> dict[str, Any]:
        try:
            posted = await post(port, delivery(7, channel, kind=TargetKind.CHANNEL))
            for index in range(450):  # newer chatter: the match is on the third page
                await post(port, delivery(1000 + index, channel, kind=TargetKind.CHANNEL))
            found = await port.find_sent(TENANT, delivery(7, channel, kind=TargetKind.CHANNEL))
            later = utcnow() + dt.timedelta(minutes=5)  # created after the post: outside the window
            outside = await port.find_sent(TENANT, delivery(7, channel, kind=TargetKind.CHANNEL, created=later))
            return {"posted": posted, "found": found, "outside": outside}
        finally:
            await port.close()

    result = asyncio.run(scenario())
    assert result["found"] == result["posted"] == f"{channel}:{result['posted'].split(':')[1]}"
    assert result["outside"] is None
    assert not fake.calls_to("conversations.open")  # a channel target needs no DM lookup
    pages = fake.calls_to("conversations.history")
    assert len(pages) == 3 + 1 and pages[1].params.get("cursor") == "200"


def test_find_sent_raises_when_slack_cannot_answer_now_and_gives_up_on_unreadable_channels(fake, tmp_path):
    port = slack_port(runtime_for(f"sqlite:///{tmp_path}/unused.db", fake))
    fake.script("conversations.history", 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "3"})
    fake.script("conversations.history", 200, {"ok": False, "error": "channel_not_found"})

    async def scenario() -> tuple[str, str | None]:
        try:
            try:
                await port.find_sent(TENANT, delivery(9, "C0NOPE001", kind=TargetKind.CHANNEL))
                raised = "nothing"
            except Exception as error:
                raised = type(error).__name__
            return raised, await port.find_sent(TENANT, delivery(9, "C0NOPE001", kind=TargetKind.CHANNEL))
        finally:
            await port.close()

    raised, unreadable = asyncio.run(scenario())
    assert raised == "SlackApiError"  # the worker retries the check later, it does not post blind
    assert unreadable is None  # cannot be read at all: the send itself will say what is wrong


# --- the worker: a crash between the post and the commit -----------------------


def seed(database_url: str) -> int:
    seed_tenant_and_members(database_url, USERS)
    return asyncio.run(send_now_async(database_url))


async def claim_and_post_without_recording(runtime: Runtime, *, post_them: bool) -> dict[int, str]:
    """What a worker does up to the crash: claim every due row, post (or not), record nothing."""
    port = slack_port(runtime)
    async with runtime.db.transaction() as session:
        tenant = (await session.execute(select(Tenant))).scalars().one()
        assert tenant.id is not None
        rows = list(await claims.claim_for_tenant(session, tenant.id, now=utcnow(), limit=100))
    posted: dict[int, str] = {}
    if post_them:
        for row in rows:
            assert row.id is not None
            posted[row.id] = (await port.send(tenant, row, Message.model_validate(row.message))).message_id or ""
    await port.close()
    return posted


def expire_leases(sql: Any) -> None:
    """The dead worker's lease runs out."""
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
            await slack_port(runtime).close()
            await runtime.db.close()

    asyncio.run(go())


def test_a_post_that_was_never_recorded_is_reconciled_not_sent_again(fake, database_url, sql):
    seed(database_url)
    first = runtime_for(database_url, fake)
    posted = asyncio.run(claim_and_post_without_recording(first, post_them=True))
    asyncio.run(first.db.close())
    assert len(posted) == len(USERS) and len(fake.calls_to("chat.postMessage")) == len(USERS)
    assert scalar(sql, "select count(*) from delivery where status = 'in_flight'") == len(USERS)
    expire_leases(sql)

    run_worker_until_settled(runtime_for(database_url, fake), sql)  # the restarted worker

    assert len(fake.calls_to("chat.postMessage")) == len(USERS)  # nothing posted twice
    assert {channel: len(kept) for channel, kept in fake.messages.items()} == {fake.dm_channel(u): 1 for u in USERS}
    with sql.connect() as conn:
        rows = conn.execute(text("select id, platform_message_id from delivery where status = 'sent'"))
        recorded = {row[0]: row[1] for row in rows}
    assert recorded == posted  # the original channel:ts, found through the metadata
    assert len(fake.calls_to("conversations.history")) == len(USERS)


def test_a_crash_before_the_post_sends_once_after_the_lease(fake, database_url, sql):
    seed(database_url)
    first = runtime_for(database_url, fake)
    asyncio.run(claim_and_post_without_recording(first, post_them=False))
    asyncio.run(first.db.close())
    expire_leases(sql)

    run_worker_until_settled(runtime_for(database_url, fake), sql)

    posts = Counter(call.params["channel"] for call in fake.calls_to("chat.postMessage"))
    assert posts == Counter(set(USERS))
    assert scalar(sql, "select count(*) from delivery where status = 'sent'") == len(USERS)
    assert scalar(sql, "select max(attempts) from delivery") == 2


def test_an_ambiguous_error_after_slack_posted_is_reconciled_before_the_retry(fake, database_url, sql):
    """Slack posted, but the answer was a 500 (or a timeout): the retry finds the post."""
    seed(database_url)
    original = fake.api_chat_postMessage
    lost: list[str] = []

    def posted_then_failed(params: dict[str, Any]) -> Scripted:
        result = original(params)
        if not lost:
            lost.append(str(params["channel"]))
            return Scripted(500, {"ok": False, "error": "internal_error"})
        return result

    fake.api_chat_postMessage = posted_then_failed  # type: ignore[method-assign]
    runtime = runtime_for(database_url, fake)

    async def first_pass() -> None:
        try:
            await DeliveryWorker(runtime.db, runtime.ports, poll=0.05).run_once()
        finally:
            await slack_port(runtime).close()
            await runtime.db.close()

    asyncio.run(first_pass())
    assert scalar(sql, "select status from delivery where target_id = :t", t=lost[0]) == "pending"
    with sql.begin() as conn:  # the backoff is over
        conn.execute(text("update delivery set due_at = :now where status = 'pending'"), {"now": utcnow()})

    run_worker_until_settled(runtime_for(database_url, fake), sql)

    posts = Counter(call.params["channel"] for call in fake.calls_to("chat.postMessage"))
    assert posts == Counter(set(USERS))  # the unlucky one was not posted again
    assert len(fake.messages[fake.dm_channel(lost[0])]) == 1
    assert scalar(sql, "select count(*) from delivery where status = 'sent'") == len(USERS)
    assert [c.params["users"] for c in fake.calls_to("conversations.open")] == lost
