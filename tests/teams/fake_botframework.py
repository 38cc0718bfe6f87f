"""A fake Bot Framework on loopback: connector, token endpoint, OpenID metadata and JWKS.

The connector records `POST /v3/conversations` and every activity posted to a
conversation, answers `GET …/members/{id}`, and can answer scripted errors (429 with
Retry-After). The OpenID side publishes a test RSA key endorsed for `msteams` and a
second key endorsed only for another channel; `token()` mints channel JWTs with PyJWT.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

ISSUER = "https://api.botframework.com"
APP_ID = "00000000-0000-4000-8000-00000000f1ve"
BOT_TOKEN = "fake-bot-access-token"
# what Teams answers `POST /v3/conversations` for a user the app is not installed for
NOT_IN_ROSTER = {"code": "Forbidden", "message": "The bot is not part of the conversation roster."}
ENDORSED_KID, UNENDORSED_KID = "teams-key", "skype-only-key"


def _private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


KEYS = {ENDORSED_KID: _private_key(), UNENDORSED_KID: _private_key()}
ENDORSEMENTS = {ENDORSED_KID: ["msteams", "webchat"], UNENDORSED_KID: ["skype"]}
STRANGER_KEY = _private_key()  # signs tokens whose kid claims to be ENDORSED_KID


@dataclass
class Posted:
    """One recorded connector call."""

    method: str
    path: str
    conversation: str
    body: dict[str, Any]
    authorization: str
    activity_id: str = ""
    at: float = field(default_factory=time.time)


@dataclass
class Scripted:
    """A canned answer for the next activity post."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    conversation: str | None = None


class _Server(ThreadingHTTPServer):
    # a client pool opening many connections at once must not overflow the listen backlog
    # (the default of 5 drops SYNs, and the kernel retries them only after a second)
    request_queue_size = 128
    daemon_threads = True


class FakeBotFramework:
    """The server; `url` is the service URL and the login URL, `metadata_url` the OpenID one."""

    def __init__(self) -> None:
        self.posted: list[Posted] = []
        self.members: dict[str, dict[str, Any]] = {}
        self.scripts: list[Scripted] = []
        self.refused: list[str] = []
        # Teams user ids the app is not installed for: `POST /v3/conversations` answers 403
        self.not_installed: set[str] = set()
        self.graph_calls: list[str] = []
        self.graph_forbidden = False  # the tenant did not grant the Graph read permissions
        self.hold = 0.0  # seconds a posted activity's answer is held back (a crash window)
        self.token_requests = 0
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.server = _Server(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The connector's service URL (with a trailing slash, like Teams')."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    @property
    def metadata_url(self) -> str:
        """TEAMS_OPENID_METADATA_URL for the app under test."""
        return self.url + "v1/.well-known/openidconfiguration"

    def __enter__(self) -> FakeBotFramework:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def token(self, *, kid: str = ENDORSED_KID, key: Any = None, **claims: Any) -> str:
        """A channel token; override any claim (`iss`, `aud`, `exp`, `serviceurl`) by keyword."""
        now = int(time.time())
        payload = {
            "iss": ISSUER,
            "aud": APP_ID,
            "iat": now,
            "nbf": now - 5,
            "exp": now + 3600,
            "serviceurl": self.url,
        }
        payload.update(claims)
        payload = {k: v for k, v in payload.items() if v is not None}
        return jwt.encode(payload, key or KEYS[kid], algorithm="RS256", headers={"kid": kid})

    def script(
        self,
        status: int,
        headers: dict[str, str] | None = None,
        *,
        times: int = 1,
        conversation: str | None = None,
    ) -> None:
        """Answer the next `times` activity posts (to `conversation`, or any) with `status`."""
        self.scripts.extend(Scripted(status, headers or {}, conversation) for _ in range(times))

    def activities(self, conversation: str | None = None) -> list[Posted]:
        """Activities posted successfully (optionally to one conversation)."""
        with self._lock:
            return [
                p
                for p in self.posted
                if p.path.endswith("activities") or "/activities/" in p.path
                if conversation is None or p.conversation == conversation
            ]

    def created(self) -> list[Posted]:
        """`POST /v3/conversations` calls."""
        with self._lock:
            return [p for p in self.posted if p.path == "/v3/conversations"]

    def wait_for(self, predicate: Any, timeout: float = 10.0) -> None:
        """Poll until `predicate()` holds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.02)
        raise AssertionError(f"fake Bot Framework: condition not met; posted={self.posted}")

    # --- request handling -------------------------------------------------
    def answer(
        self, method: str, path: str, body: dict[str, Any], auth: str
    ) -> tuple[int, Any, dict[str, str]]:
        """Status, JSON body and headers for one request."""
        if path == "/v1/.well-known/openidconfiguration":
            return (
                200,
                {
                    "issuer": ISSUER,
                    "jwks_uri": self.url + "v1/keys",
                    "id_token_signing_alg_values_supported": ["RS256"],
                },
                {},
            )
        if path == "/v1/keys":
            keys = []
            for kid, key in KEYS.items():
                jwk = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
                keys.append({**jwk, "kid": kid, "use": "sig", "endorsements": ENDORSEMENTS[kid]})
            return 200, {"keys": keys}, {}
        if path.endswith("/oauth2/v2.0/token"):
            self.token_requests += 1
            return 200, {"access_token": BOT_TOKEN, "expires_in": 3600, "token_type": "Bearer"}, {}
        if path.startswith("/v1.0/"):
            return self.graph(unquote(path), auth)
        parts = path.split("/")
        conversation = unquote(parts[3]) if len(parts) > 3 else ""
        if method == "GET" and "/members/" in path:
            member = self.members.get(unquote(parts[-1]))
            if member is None:
                missing = {"code": "MemberNotFoundInConversation", "message": "Member not found."}
                return 404, {"error": missing}, {}
            return 200, member, {}
        if path == "/v3/conversations" and self._refuses_install(body):
            self.refused.append("/v3/conversations")
            return 403, {"error": NOT_IN_ROSTER}, {}
        with self._lock:
            for scripted in self.scripts:
                if path.startswith("/v3/conversations/") and scripted.conversation in (
                    None,
                    conversation,
                ):
                    self.scripts.remove(scripted)
                    self.refused.append(conversation)
                    return scripted.status, {"error": {"code": "Throttled"}}, scripted.headers
            activity_id = "" if path == "/v3/conversations" else f"1700000000{next(self._ids):03d}"
            self.posted.append(Posted(method, path, conversation, body, auth, activity_id))
        if path == "/v3/conversations":
            return 201, {"id": f"a:personal-{next(self._ids)}", "serviceUrl": self.url}, {}
        deadline = time.monotonic() + self.hold
        while time.monotonic() < deadline and self.hold:  # posted, but the answer is late
            time.sleep(0.05)
        return 201, {"id": activity_id}, {}

    # --- Microsoft Graph (the reads reconciliation needs) -------------------
    def graph(self, path: str, auth: str) -> tuple[int, Any, dict[str, str]]:
        """Installed apps, a user's 1:1 chat with the bot, and chat / channel messages."""
        self.graph_calls.append(path)
        if auth != f"Bearer {BOT_TOKEN}" or self.graph_forbidden:
            return 403, {"error": {"code": "Forbidden", "message": "Missing role permissions"}}, {}
        parts = path.split("/")  # ['', 'v1.0', 'users', aad, 'teamwork', 'installedApps', ...]
        if parts[2] == "users" and path.endswith("/installedApps"):
            installed = any(self._personal_to(parts[3]))
            return 200, {"value": [{"id": f"inst-{parts[3]}"}] if installed else []}, {}
        if parts[2] == "users" and path.endswith("/chat"):
            return 200, {"id": f"19:{parts[3]}_bot@unq.gbl.spaces", "chatType": "oneOnOne"}, {}
        if parts[2] == "chats":
            member = parts[3].removeprefix("19:").split("_bot@")[0]
            return 200, {"value": self._as_graph(self._personal_to(member))}, {}
        if parts[2] == "teams" and parts[4] == "channels":
            return 200, {"value": self._as_graph(self.activities(parts[5]))}, {}
        return 404, {"error": {"code": "NotFound"}}, {}

    def _personal_to(self, aad: str) -> list[Posted]:
        return [
            p for p in self.activities()
            if (p.body.get("recipient") or {}).get("aadObjectId") == aad
            and (p.body.get("conversation") or {}).get("conversationType") == "personal"
        ]

    @staticmethod
    def _as_graph(posts: list[Posted]) -> list[dict[str, Any]]:
        """chatMessage resources, newest first, as Graph returns the bot's card posts."""
        return [
            {
                "id": post.activity_id,
                "createdDateTime": dt.datetime.fromtimestamp(post.at, dt.UTC).isoformat().replace("+00:00", "Z"),
                "from": {"application": {"id": APP_ID, "displayName": "Fivefold"}},
                "attachments": [
                    {"contentType": a["contentType"], "content": json.dumps(a["content"])}
                    for a in post.body.get("attachments") or []
                ],
            }
            for post in reversed(posts)
        ]

    def _refuses_install(self, body: dict[str, Any]) -> bool:
        members = body.get("members") or [{}]
        return str(members[0].get("id")) in self.not_installed

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # kept-alive connections, as the real connector's

            def log_message(self, *_args: Any) -> None:
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                try:
                    body = (
                        json.loads(raw)
                        if raw and "json" in (self.headers.get("Content-Type") or "")
                        else {}
                    )
                except ValueError:
                    body = {}
                path = self.path.split("?")[0]
                status, payload, headers = fake.answer(
                    self.command, path, body, self.headers.get("Authorization") or ""
                )
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the caller died waiting (a killed worker)
                    self.close_connection = True

            do_GET = do_POST
            do_PUT = do_POST

        return Handler
