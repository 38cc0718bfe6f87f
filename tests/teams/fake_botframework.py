"""A fake Bot Framework on loopback: connector, token endpoint, OpenID metadata and JWKS.

The connector records `POST /v3/conversations` and every activity posted to a
conversation, answers `GET …/members/{id}`, and can answer scripted errors (429 with
Retry-After). The OpenID side publishes a test RSA key endorsed for `msteams` and a
second key endorsed only for another channel; `token()` mints channel JWTs with PyJWT.
"""

from __future__ import annotations

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
        parts = path.split("/")
        conversation = unquote(parts[3]) if len(parts) > 3 else ""
        if method == "GET" and "/members/" in path:
            member = self.members.get(unquote(parts[-1]))
            return (200, member, {}) if member else (404, {"error": {"code": "NotFound"}}, {})
        with self._lock:
            for scripted in self.scripts:
                if path.startswith("/v3/conversations/") and scripted.conversation in (
                    None,
                    conversation,
                ):
                    self.scripts.remove(scripted)
                    self.refused.append(conversation)
                    return scripted.status, {"error": {"code": "Throttled"}}, scripted.headers
            self.posted.append(Posted(method, path, conversation, body, auth))
        if path == "/v3/conversations":
            return 201, {"id": f"a:personal-{next(self._ids)}", "serviceUrl": self.url}, {}
        return 201, {"id": f"1700000000{next(self._ids):03d}"}, {}

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
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST
            do_PUT = do_POST

        return Handler
