"""How connector answers become send outcomes (what the outbox does next)."""

from __future__ import annotations

import asyncio
import socket
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from botbuilder.core import BotFrameworkAdapterSettings, TurnContext
from botbuilder.schema import ConversationReference
from botframework.connector.auth import ClaimsIdentity
from msrest.exceptions import ClientRequestError, HttpOperationError

from adapters.teams.connector import AioHttpBotAdapter, env_proxy
from adapters.teams.credentials import BotCredentials
from adapters.teams.port import TeamsPort, classify
from adapters.teams.references import Account, Conversation
from app import create_worker_runtime
from bot.messages import Message
from bot.models import Delivery, TargetKind, Tenant
from bot.platform import Outcome, SendResult
from tests.conftest import make_settings
from tests.teams.activities import CHANNEL, PEOPLE, TENANT
from tests.teams.fake_botframework import APP_ID, BOT_TOKEN, FakeBotFramework


@dataclass
class Answer:
    status_code: int
    headers: dict[str, str] = field(default_factory=dict)


def error(status: int, **headers: str) -> HttpOperationError:
    failure = HttpOperationError.__new__(HttpOperationError)
    failure.response = Answer(status, {k.replace("_", "-"): v for k, v in headers.items()})
    return failure


@pytest.mark.parametrize("status", [429, 412, 502, 504])
def test_throttling_and_gateway_errors_retry_after_the_platform_says(status):
    result = classify(error(status, Retry_After="7"))
    assert (result.outcome, result.retry_after) == (Outcome.RETRY_AFTER, 7.0)


@pytest.mark.parametrize("status", [429, 502, 500, 401])
def test_without_retry_after_they_back_off(status):
    assert classify(error(status)).outcome is Outcome.TRANSIENT


@pytest.mark.parametrize("status", [403, 404])
def test_blocked_or_gone_members_are_unreachable(status):
    result = classify(error(status))
    assert (result.outcome, result.reason) == (Outcome.PERMANENT, "unreachable")


def test_bad_requests_are_permanent():
    assert classify(error(400)).outcome is Outcome.PERMANENT


# --- the same outcomes over real HTTP, through the connector client ----------------


def teams_port(database_url: str, fake: FakeBotFramework) -> TeamsPort:
    """The worker's Teams port, wired as `fivefold worker` wires it."""
    runtime = create_worker_runtime(
        make_settings(
            database_url,
            "http://127.0.0.1:9/",
            MICROSOFT_APP_ID=APP_ID,
            MICROSOFT_APP_PASSWORD="test-password",
            TEAMS_LOGIN_URL=fake.url,
        )
    )
    port = runtime.ports["teams"]
    assert isinstance(port, TeamsPort)
    return port


def channel_reference(service_url: str) -> dict[str, Any]:
    return {
        "bot": {"id": f"28:{APP_ID}"},
        "conversation": {"id": CHANNEL, "conversationType": "channel", "tenantId": TENANT},
        "channelId": "msteams",
        "serviceUrl": service_url,
    }


async def send_to_channel(port: TeamsPort, service_url: str) -> SendResult:
    reference = channel_reference(service_url)
    conversation = Conversation(CHANNEL, "channel", service_url, None, reference)
    await port.store.save_conversation(TENANT, conversation)
    delivery = Delivery(
        id=1,
        tenant_id=1,
        dedupe_key="k1",
        target_kind=TargetKind.CHANNEL.value,
        target_id=CHANNEL,
        message={"fallback": "hello"},
    )
    tenant = Tenant(id=1, platform="teams", external_id=TENANT)
    try:
        return await port.send(tenant, delivery, Message(fallback="hello"))
    finally:
        await port.close()
        await port.store.db.close()


async def test_a_post_is_sent_with_the_bots_token(database_url, bot_framework):
    result = await send_to_channel(teams_port(database_url, bot_framework), bot_framework.url)
    assert result.outcome is Outcome.SENT
    assert result.message_id and result.message_id.startswith(f"{CHANNEL}:1700000000")
    [posted] = bot_framework.activities(CHANNEL)
    assert posted.authorization == f"Bearer {BOT_TOKEN}"
    assert posted.body["summary"] == "hello"


async def test_a_member_gets_a_new_personal_chat(database_url, bot_framework):
    port = teams_port(database_url, bot_framework)
    bob = PEOPLE["bob"]
    await port.store.save_accounts(TENANT, [Account(bob["aadObjectId"], bob["id"], bob["name"])], bot_framework.url)
    delivery = Delivery(
        id=2,
        tenant_id=1,
        dedupe_key="k2",
        target_kind=TargetKind.MEMBER.value,
        target_id=bob["aadObjectId"],
        message={"fallback": "hi"},
    )
    try:
        result = await port.send(Tenant(id=1, platform="teams", external_id=TENANT), delivery, Message(fallback="hi"))
    finally:
        await port.close()
        await port.store.db.close()
    assert result.outcome is Outcome.SENT
    [created] = bot_framework.created()
    assert created.authorization == f"Bearer {BOT_TOKEN}"
    assert created.body["members"] == [{"id": bob["id"]}]
    assert len(bot_framework.activities("a:personal-1")) == 1


@pytest.mark.parametrize(
    ("status", "headers", "expected"),
    [
        (429, {"Retry-After": "7"}, SendResult(Outcome.RETRY_AFTER, retry_after=7.0, reason="http_429")),
        (429, {}, SendResult(Outcome.TRANSIENT, reason="http_429")),
        (403, {}, SendResult(Outcome.PERMANENT, reason="unreachable")),
        (404, {}, SendResult(Outcome.PERMANENT, reason="unreachable")),
        (500, {}, SendResult(Outcome.TRANSIENT, reason="http_500")),
        (400, {}, SendResult(Outcome.PERMANENT, reason="http_400")),
    ],
)
async def test_connector_errors_over_http(database_url, bot_framework, status, headers, expected):
    bot_framework.script(status, headers, conversation=CHANNEL)
    result = await send_to_channel(teams_port(database_url, bot_framework), bot_framework.url)
    assert result == expected
    assert bot_framework.refused == [CHANNEL]  # one try: the outbox, not the client, retries


async def test_a_connector_that_refuses_connections_is_transient(database_url, bot_framework):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{closed.getsockname()[1]}/"
    result = await send_to_channel(teams_port(database_url, bot_framework), dead)
    assert result == SendResult(Outcome.TRANSIENT, reason="ClientRequestError")


async def test_concurrent_sends_fetch_the_token_once(database_url, bot_framework):
    port = teams_port(database_url, bot_framework)
    reference = channel_reference(bot_framework.url)
    try:
        await asyncio.gather(*(port.post(reference, {"type": "message", "text": f"hi {n}"}) for n in range(20)))
    finally:
        await port.close()
        await port.store.db.close()
    assert len(bot_framework.activities(CHANNEL)) == 20
    assert bot_framework.token_requests == 1


async def test_a_hung_connector_times_out(bot_framework):
    """A connector that accepts the connection and never answers fails the call in bounded time."""
    credentials = BotCredentials(APP_ID, "test-password", login_url=bot_framework.url)
    adapter = AioHttpBotAdapter(
        BotFrameworkAdapterSettings(APP_ID, "test-password", app_credentials=credentials),
        timeout=aiohttp.ClientTimeout(total=0.5),
    )
    identity = ClaimsIdentity({"aud": APP_ID, "appid": APP_ID}, True)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        reference = ConversationReference().deserialize(
            channel_reference(f"http://127.0.0.1:{silent.getsockname()[1]}/")
        )

        async def reply(turn_context: TurnContext) -> None:
            await turn_context.send_activity("hello")

        started = time.monotonic()
        try:
            with pytest.raises(ClientRequestError):
                await adapter.continue_conversation(reference, reply, claims_identity=identity)
        finally:
            await adapter.aclose()
    assert time.monotonic() - started < 5


def test_connector_calls_honour_the_proxy_environment(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example")
    assert env_proxy("https://smba.proxied.example/amer/v3/conversations") == "http://proxy.example:3128"
    assert env_proxy("https://bots.internal.example/v3/conversations") is None
