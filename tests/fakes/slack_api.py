"""A fake Slack Web API: a real HTTP server on loopback that answers like Slack.

It records every call, keeps the messages it was sent (with their metadata, for
`conversations.history`), can answer scripted errors (e.g. 429 with Retry-After),
and can enforce a workspace rate and a per-channel rate like Slack does.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

BOT_USER = "UBOT0001"
TEAM = "T0FIVE001"


@dataclass
class Call:
    """One recorded Web API call."""

    method: str
    params: dict[str, Any]
    token: str | None


@dataclass
class Scripted:
    """A canned answer for the next call of a method."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def user(uid: str, name: str, *, tz: str = "Europe/Warsaw", locale: str = "en-US",
         is_bot: bool = False, deleted: bool = False, is_admin: bool = False) -> dict[str, Any]:
    """A Slack user object as `users.info` returns it."""
    return {
        "id": uid, "team_id": TEAM, "name": name.lower(), "deleted": deleted, "real_name": name,
        "tz": tz, "tz_offset": 3600, "locale": locale, "is_bot": is_bot, "is_admin": is_admin, "is_owner": False,
        "profile": {"display_name": name, "real_name": name, "email": f"{name.lower()}@example.com"},
    }


class RateLimit:
    """Slack-like limits: a workspace rate (token bucket) and ~1 message/s per channel."""

    def __init__(self, per_second: float, burst: int, per_channel: float | None = 1.0) -> None:
        self.per_second, self.burst, self.per_channel = per_second, burst, per_channel
        self.tokens, self.stamp = float(burst), time.monotonic()
        self.channel_last: dict[str, float] = {}
        self.lock = threading.Lock()
        self.limited = 0

    def check(self, channel: str) -> float:
        """0 when the call may pass, else the seconds to tell the client to wait."""
        with self.lock:
            now = time.monotonic()
            self.tokens = min(float(self.burst), self.tokens + (now - self.stamp) * self.per_second)
            self.stamp = now
            if self.per_channel:
                last = self.channel_last.get(channel)
                if last is not None and now - last < 1.0 / self.per_channel:
                    self.limited += 1
                    return 1.0 / self.per_channel
            if self.tokens < 1.0:
                self.limited += 1
                return max(0.05, (1.0 - self.tokens) / self.per_second)
            self.tokens -= 1.0
            self.channel_last[channel] = now
            return 0.0


class _Server(ThreadingHTTPServer):
    """socketserver's listen backlog is 5: with many workers connecting at once the kernel
    drops SYNs and clients stall ~1 s retransmitting them, which Slack never does."""

    request_queue_size = 256


class FakeSlack:
    """The fake Web API server. Use as a context manager; `url` is its API base URL."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.scripts: dict[str, list[Scripted]] = {}
        self.rate_limit: RateLimit | None = None
        self.delay = 0.0
        self._ts = itertools.count(1)
        self._last_ts = 0.0
        self._lock = threading.Lock()
        self.oauth_codes: dict[str, dict[str, Any]] = {}
        self.refused_tokens: set[str] = set()  # calls with these tokens are answered `invalid_auth`
        self.server = _Server(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The base URL to give SLACK_API_URL."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/"

    def __enter__(self) -> FakeSlack:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add_user(self, uid: str, name: str, **kwargs: Any) -> dict[str, Any]:
        """Register a user that users.info / users.list will return."""
        self.users[uid] = user(uid, name, **kwargs)
        return self.users[uid]

    def script(self, method: str, status: int, body: dict[str, Any], headers: dict[str, str] | None = None,
               times: int = 1) -> None:
        """Answer the next `times` calls of `method` with this response."""
        self.scripts.setdefault(method, []).extend(Scripted(status, body, headers or {}) for _ in range(times))

    def calls_to(self, method: str) -> list[Call]:
        """Recorded calls of one method, in order."""
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Wait until `count` calls of `method` were recorded; return them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.calls_to(method)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"expected {count} {method} calls, got {len(self.calls_to(method))}")

    def _next_ts(self) -> str:
        """A message ts like Slack's: the wall-clock time, unique and increasing."""
        with self._lock:
            next(self._ts)
            self._last_ts = max(time.time(), self._last_ts + 0.000001)
            return f"{self._last_ts:.6f}"

    def dm_channel(self, uid: str) -> str:
        """The id of the bot's DM with a user (what posting to the user id reaches)."""
        return "D" + uid[1:]

    # --- request handling -------------------------------------------------
    def answer(self, method: str, params: dict[str, Any], token: str | None) -> Scripted:
        """The response to one call (scripted first, then the method's behaviour)."""
        with self._lock:
            self.calls.append(Call(method, params, token))
            if token in self.refused_tokens:
                return Scripted(200, {"ok": False, "error": "invalid_auth"})
            queue = self.scripts.get(method)
            if queue:
                return queue.pop(0)
        if self.delay:
            time.sleep(self.delay)
        handler = getattr(self, "api_" + method.replace(".", "_"), None)
        if handler is None:
            return Scripted(200, {"ok": False, "error": "unknown_method"})
        result: Scripted = handler(params)
        return result

    def api_auth_test(self, _params: dict[str, Any]) -> Scripted:
        return Scripted(200, {"ok": True, "url": "https://fivefold-test.slack.com/", "team": "Fivefold Test",
                              "user": "fivefold", "team_id": TEAM, "user_id": BOT_USER, "bot_id": "B0001"})

    def api_chat_postMessage(self, params: dict[str, Any]) -> Scripted:
        channel = str(params.get("channel", ""))
        if not channel:
            return Scripted(200, {"ok": False, "error": "channel_not_found"})
        if self.rate_limit is not None:
            wait = self.rate_limit.check(channel)
            if wait:
                return Scripted(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": f"{wait:.3f}"})
        if channel.startswith(("U", "W")) and channel in self.users and self.users[channel]["deleted"]:
            return Scripted(200, {"ok": False, "error": "user_not_found"})
        target = self.dm_channel(channel) if channel.startswith(("U", "W")) else channel
        ts = self._next_ts()
        message = {"type": "message", "ts": ts, "text": params.get("text"), "blocks": params.get("blocks"),
                   "metadata": params.get("metadata"), "bot_id": "B0001", "user": BOT_USER}
        with self._lock:
            self.messages.setdefault(target, []).append(message)
        return Scripted(200, {"ok": True, "channel": target, "ts": ts, "message": message})

    def api_chat_postEphemeral(self, _params: dict[str, Any]) -> Scripted:
        return Scripted(200, {"ok": True, "message_ts": f"{time.time():.6f}"})

    def api_chat_update(self, params: dict[str, Any]) -> Scripted:
        return Scripted(200, {"ok": True, "channel": params.get("channel"), "ts": params.get("ts")})

    def api_views_open(self, _params: dict[str, Any]) -> Scripted:
        return Scripted(200, {"ok": True, "view": {"id": "V0001"}})

    def api_views_publish(self, _params: dict[str, Any]) -> Scripted:
        return Scripted(200, {"ok": True, "view": {"id": "V0002"}})

    def api_views_update(self, _params: dict[str, Any]) -> Scripted:
        return Scripted(200, {"ok": True})

    def api_users_info(self, params: dict[str, Any]) -> Scripted:
        found = self.users.get(str(params.get("user")))
        if found is None:
            return Scripted(200, {"ok": False, "error": "user_not_found"})
        return Scripted(200, {"ok": True, "user": found})

    def api_users_list(self, params: dict[str, Any]) -> Scripted:
        ids = sorted(self.users)
        start = int(params.get("cursor") or 0)
        limit = int(params.get("limit") or 200)
        page = ids[start : start + limit]
        next_cursor = str(start + limit) if start + limit < len(ids) else ""
        return Scripted(200, {"ok": True, "members": [self.users[i] for i in page],
                              "response_metadata": {"next_cursor": next_cursor}})

    def api_conversations_history(self, params: dict[str, Any]) -> Scripted:
        """Newest first; honours `oldest` (exclusive), `limit` and an offset `cursor`."""
        channel = str(params.get("channel"))
        oldest = float(params.get("oldest") or 0)
        with self._lock:
            found = [m for m in reversed(self.messages.get(channel, [])) if float(m["ts"]) > oldest]
        start = int(params.get("cursor") or 0)
        limit = int(params.get("limit") or 100)
        page = found[start : start + limit]
        more = start + limit < len(found)
        return Scripted(200, {"ok": True, "messages": page, "has_more": more,
                              "response_metadata": {"next_cursor": str(start + limit) if more else ""}})

    def api_conversations_open(self, params: dict[str, Any]) -> Scripted:
        """The DM channel with one user (`users`)."""
        uid = str(params.get("users") or "").split(",")[0]
        if not uid.startswith(("U", "W")):
            return Scripted(200, {"ok": False, "error": "user_not_found"})
        return Scripted(200, {"ok": True, "channel": {"id": self.dm_channel(uid)}})

    def api_oauth_v2_access(self, params: dict[str, Any]) -> Scripted:
        grant = self.oauth_codes.get(str(params.get("code")))
        if grant is None:
            return Scripted(200, {"ok": False, "error": "invalid_code"})
        return Scripted(200, grant)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                if "json" in (self.headers.get("Content-Type") or ""):
                    params = json.loads(raw or "{}")
                else:
                    params = {k: v[0] for k, v in parse_qs(raw).items()}
                if "?" in self.path:
                    params.update({k: v[0] for k, v in parse_qs(self.path.split("?", 1)[1]).items()})
                for key in ("blocks", "metadata", "view"):
                    if isinstance(params.get(key), str):
                        with contextlib.suppress(ValueError):
                            params[key] = json.loads(params[key])
                auth = self.headers.get("Authorization") or ""
                token = auth.removeprefix("Bearer ") or params.get("token")
                method = self.path.rsplit("/", 1)[-1].split("?")[0]
                result = fake.answer(method, params, token)
                payload = json.dumps(result.body).encode()
                self.send_response(result.status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in result.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST

        return Handler
