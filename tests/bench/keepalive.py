"""The fake Slack API for the outbox benchmarks, keeping connections alive as Slack does.

The test fake answers HTTP/1.0, so every post opened (and closed) a TCP connection:
the worker's CPU per message then counted a connect and a close per call, which
Slack's kept-alive HTTPS connections do not cost (`SlackPort` keeps one session).
"""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler

from tests.fakes.slack_api import FakeSlack


class KeepAliveSlack(FakeSlack):
    """`FakeSlack` answering HTTP/1.1 (every answer carries Content-Length), connections kept alive."""

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        handler = super()._handler()
        return type("KeepAliveHandler", (handler,), {"protocol_version": "HTTP/1.1"})
