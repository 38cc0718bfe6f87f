"""Bot Framework connector calls over aiohttp, on the event loop.

botbuilder builds its `ConnectorClient` with msrest's default transport, which runs
`requests` in a thread pool: every reply cost a thread hand-off and a blocking
request. `AioHttpBotAdapter` keeps botbuilder in charge of auth and turns and only
gives its connector clients another transport: one shared aiohttp session per
adapter (kept-alive connections, bounded timeouts) and a credentials policy that
attaches the bot's bearer token without blocking.
"""

from __future__ import annotations

import asyncio
import functools
import urllib.request
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from botbuilder.core import BotFrameworkAdapter, BotFrameworkAdapterSettings
from botbuilder.core.bot_framework_adapter import USER_AGENT
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import AppCredentials, MicrosoftAppCredentials
from botframework.connector.auth.authentication_constants import AuthenticationConstants
from msrest import Configuration
from msrest.exceptions import ClientRequestError
from msrest.pipeline import Request, Response, SansIOHTTPPolicy
from msrest.pipeline.async_abc import AsyncHTTPPolicy, AsyncHTTPSender, AsyncPipeline
from msrest.pipeline.universal import RawDeserializer
from msrest.universal_http import ClientRequest
from msrest.universal_http.async_abc import AsyncClientResponse
from multidict import CIMultiDict

from adapters.teams.credentials import BotCredentials

# A turn answers inside Teams' 15 s; a hung connector must not hold it (or a worker) longer.
TIMEOUT = aiohttp.ClientTimeout(total=10.0, sock_connect=5.0)
Exchange = Response[ClientRequest, AsyncClientResponse]


def env_proxy(url: str) -> str | None:
    """The proxy HTTPS_PROXY / HTTP_PROXY / NO_PROXY name for `url`, as requests honoured them."""
    parts = urlsplit(url)
    return _env_proxy(parts.scheme, parts.hostname or "")


@functools.lru_cache(maxsize=256)
def _env_proxy(scheme: str, host: str) -> str | None:
    # read once per host: aiohttp's own trust_env reads the environment and ~/.netrc in a
    # worker thread on every request, the thread hand-off this transport exists to avoid
    if not host or urllib.request.proxy_bypass(host):
        return None
    return urllib.request.getproxies().get(scheme)


class ConnectorResponse(AsyncClientResponse):
    """A connector answer, read in full (msrest deserializes it synchronously)."""

    def __init__(self, request: ClientRequest, answer: aiohttp.ClientResponse, body: bytes) -> None:
        super().__init__(request, answer)
        self.status_code = answer.status
        self.headers = CIMultiDict(answer.headers)
        self.reason = answer.reason
        self._body = body

    def body(self) -> bytes:
        """The whole body (possibly empty)."""
        return self._body


class AioHttpSender(AsyncHTTPSender[ClientRequest, AsyncClientResponse]):
    """The pipeline's last step: send the request through the adapter's aiohttp session."""

    def __init__(self, adapter: AioHttpBotAdapter) -> None:
        self.adapter = adapter

    async def __aenter__(self) -> AioHttpSender:
        return self

    async def __aexit__(self, *_exc: object) -> None:  # the adapter owns the session
        return None

    async def send(self, request: Request[ClientRequest], **_config: Any) -> Exchange:
        """Send one request; transport failures become msrest's `ClientRequestError`."""
        http: ClientRequest = request.http_request
        try:
            async with self.adapter.http().request(
                http.method, http.url, headers=http.headers, data=http.data, proxy=env_proxy(http.url)
            ) as answer:
                body = await answer.read()
        except (aiohttp.ClientError, TimeoutError) as error:
            # the same type msrest's requests transport raised, so callers classify alike
            raise ClientRequestError("Error occurred in request.", error) from error
        return Response(request, ConnectorResponse(http, answer, body))


class BearerToken(AsyncHTTPPolicy[ClientRequest, AsyncClientResponse]):
    """Signs each request with the bot's token (fetched without blocking when stale).

    msrest's default credentials policy signs a `requests.Session`, which this
    transport does not have.
    """

    def __init__(self, credentials: AppCredentials) -> None:
        super().__init__()
        self.credentials = credentials

    async def _token(self) -> str | None:
        app_id = self.credentials.microsoft_app_id
        if not app_id or app_id == AuthenticationConstants.ANONYMOUS_SKILL_APP_ID:
            return None  # unauthenticated (development) or anonymous: no token, as botbuilder does
        if isinstance(self.credentials, BotCredentials):
            return await self.credentials.token()
        return str(await asyncio.to_thread(self.credentials.get_access_token))

    async def send(self, request: Request[ClientRequest], **kwargs: Any) -> Exchange:
        """Set (or clear) `Authorization`, then pass the request on."""
        headers = request.http_request.headers
        token = await self._token()
        if token is None:
            headers.pop("Authorization", None)
        else:
            headers["Authorization"] = f"Bearer {token}"
        assert self.next is not None
        return await self.next.send(request, **kwargs)


def connector_pipeline(
    config: Configuration, sender: AioHttpSender
) -> AsyncPipeline[ClientRequest, AsyncClientResponse]:
    """msrest's default async policies, with our credentials policy and transport."""
    policies: list[AsyncHTTPPolicy[ClientRequest, AsyncClientResponse] | SansIOHTTPPolicy[Any, Any]] = [
        config.user_agent_policy,
        BearerToken(config.credentials),
        RawDeserializer(),
        config.http_logger_policy,
    ]
    return AsyncPipeline(policies, sender)


class AioHttpBotAdapter(BotFrameworkAdapter):  # type: ignore[misc]
    """botbuilder's adapter whose connector clients send over one aiohttp session."""

    def __init__(self, settings: BotFrameworkAdapterSettings, *, timeout: aiohttp.ClientTimeout = TIMEOUT) -> None:
        super().__init__(settings)
        self.timeout = timeout
        self.sender = AioHttpSender(self)
        self._session: aiohttp.ClientSession | None = None
        self._session_loop: asyncio.AbstractEventLoop | None = None

    def http(self) -> aiohttp.ClientSession:
        """The shared session of the running event loop (created on first use)."""
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._session_loop is not loop:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
            self._session_loop = loop
        return self._session

    def _get_or_create_connector_client(self, service_url: str, credentials: AppCredentials | None) -> ConnectorClient:
        credentials = credentials or MicrosoftAppCredentials.empty()
        key = self.key_for_connector_client(service_url, credentials.microsoft_app_id, credentials.oauth_scope)
        client = self._connector_client_cache.get(key)
        if client is None:
            client = ConnectorClient(
                credentials,
                base_url=service_url,
                pipeline_type=lambda config: connector_pipeline(config, self.sender),
            )
            client.config.add_user_agent(USER_AGENT)
            self._connector_client_cache[key] = client
        return client

    async def aclose(self) -> None:
        """Close the shared session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None
