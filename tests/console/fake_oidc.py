"""A fake OpenID Connect provider on loopback: real discovery, JWKS and RS256-signed id tokens.

`/authorize` signs the next person in at once (no login form) and redirects back with
a code; `/token` answers with an id token for that person. `mode` makes the token
forged (signed by another key), expired, or for an unverified address.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CLIENT_ID = "fivefold-console"
CLIENT_SECRET = "fake-oidc-secret"


class FakeOIDC:
    """The provider; `email` is who signs in next, `mode` is "valid", "forged", "expired" or "unverified"."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.email = "hr@example.com"
        self.mode = "valid"
        self.codes: dict[str, dict[str, Any]] = {}
        self.token_requests: list[dict[str, list[str]]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeOIDC:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict[str, Any]:
        public = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]}

    def authorize(self, query: dict[str, list[str]]) -> str:
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"nonce": query.get("nonce", [""])[0], "email": self.email, "mode": self.mode}
        back = {"code": code, "state": query["state"][0]}
        return query["redirect_uri"][0] + "?" + urlencode(back)

    def token(self, form: dict[str, list[str]]) -> dict[str, Any] | None:
        self.token_requests.append(form)
        grant = self.codes.pop(form.get("code", [""])[0], None)
        if grant is None:
            return None
        now = int(time.time())
        expired = grant["mode"] == "expired"
        claims = {"iss": self.issuer, "sub": grant["email"], "aud": CLIENT_ID, "email": grant["email"],
                  "email_verified": grant["mode"] != "unverified", "nonce": grant["nonce"],
                  "iat": now - 3600 if expired else now, "exp": now - 600 if expired else now + 300}
        key = self.other_key if grant["mode"] == "forged" else self.key
        id_token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1"})
        return {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300,
                "id_token": id_token}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:
                pass

            def _json(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlparse(self.path)
                if url.path == "/.well-known/openid-configuration":
                    self._json(200, provider.discovery())
                elif url.path == "/jwks":
                    self._json(200, provider.jwks())
                elif url.path == "/authorize":
                    self.send_response(302)
                    self.send_header("Location", provider.authorize(parse_qs(url.query)))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self._json(404, {"error": "not_found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode())
                answer = provider.token(form) if urlparse(self.path).path == "/token" else None
                if answer is None:
                    self._json(400, {"error": "invalid_grant"})
                else:
                    self._json(200, answer)

        return Handler
