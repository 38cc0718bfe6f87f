"""Signed Slack requests, built the way Slack builds them."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from tests.fakes.slack_api import TEAM
from tests.http_clients import http_client

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
_ids = itertools.count(1)


def signed_headers(body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None,
                   content_type: str = "application/x-www-form-urlencoded") -> dict[str, str]:
    """Headers with Slack's v0 HMAC-SHA256 signature over `body`."""
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature, "Content-Type": content_type}


def slash_body(command: str, text: str, *, user: str, channel: str = "C0GENERAL",
               trigger_id: str | None = None, team: str = TEAM) -> str:
    """A slash command's form body."""
    return urlencode({
        "token": "legacy", "team_id": team, "team_domain": "fivefold-test", "channel_id": channel,
        "channel_name": "general", "user_id": user, "user_name": user.lower(), "command": command,
        "text": text, "api_app_id": "A0001", "is_enterprise_install": "false",
        "response_url": "https://hooks.slack.invalid/commands/1", "trigger_id": trigger_id or f"{next(_ids)}.1.abc",
    })


def event_body(event: dict[str, Any], *, event_id: str | None = None, team: str = TEAM) -> str:
    """An Events API callback's JSON body."""
    return json.dumps({
        "token": "legacy", "team_id": team, "api_app_id": "A0001", "event": event, "type": "event_callback",
        "event_id": event_id or f"Ev{next(_ids):08d}", "event_time": int(time.time()),
        "authorizations": [{"team_id": team, "user_id": "UBOT0001", "is_bot": True}],
    })


def payload_body(payload: dict[str, Any]) -> str:
    """An interactivity request's form body (`payload=<json>`)."""
    return urlencode({"payload": json.dumps(payload)})


class SlackSender:
    """Posts signed requests to a running Fivefold."""

    def __init__(self, base_url: str) -> None:
        self.url = base_url + "/slack/events"
        self.client = http_client(timeout=30)

    def close(self) -> None:
        """Close the HTTP client (its pooled connections)."""
        self.client.close()

    def __enter__(self) -> SlackSender:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def post(self, body: str, *, json_body: bool = False, headers: dict[str, str] | None = None,
             **sign: Any) -> httpx.Response:
        """POST `body` signed (unless `headers` are given)."""
        content_type = "application/json" if json_body else "application/x-www-form-urlencoded"
        final = headers if headers is not None else signed_headers(body, content_type=content_type, **sign)
        return self.client.post(self.url, content=body.encode(), headers=final)

    def command(self, command: str, text: str, *, user: str, **kwargs: Any) -> httpx.Response:
        """A signed slash command."""
        return self.post(slash_body(command, text, user=user, **kwargs))

    def event(self, event: dict[str, Any], *, retry: int | None = None, **kwargs: Any) -> httpx.Response:
        """A signed Events API callback (with `X-Slack-Retry-Num` when `retry` is set)."""
        body = event_body(event, **kwargs)
        headers = signed_headers(body, content_type="application/json")
        if retry is not None:
            headers.update({"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"})
        return self.post(body, headers=headers)

    def interaction(self, payload: dict[str, Any]) -> httpx.Response:
        """A signed interactivity payload."""
        return self.post(payload_body(payload))
