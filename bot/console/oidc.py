"""Sign-in over OpenID Connect with Authlib: discovery, JWKS and id-token validation are Authlib's."""

from __future__ import annotations

from typing import Any

from authlib.integrations.starlette_client import OAuth, OAuthError, StarletteOAuth2App
from fastapi import Request
from joserfc.errors import JoseError

from bot.errors import FivefoldError
from bot.settings import Settings


class SignInRefused(FivefoldError):
    """The identity provider's answer was not a valid, verified sign-in."""


def oidc_client(settings: Settings) -> StarletteOAuth2App | None:
    """The provider's client (discovery at `{issuer}/.well-known/openid-configuration`), or None."""
    if not settings.oidc_enabled:
        return None
    assert settings.oidc_issuer is not None
    secret = settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else None
    oauth = OAuth()
    client: StarletteOAuth2App = oauth.register(
        "oidc", client_id=settings.oidc_client_id, client_secret=secret,
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
    )
    return client


async def verified_email(client: StarletteOAuth2App, request: Request) -> str:
    """Exchange the callback's code and return the id token's verified e-mail address.

    Authlib checks the id token's signature against the provider's JWKS, its issuer,
    audience, expiry and nonce.

    Raises:
        SignInRefused: the provider refused, or the token or its claims are not acceptable.
    """
    try:
        token: dict[str, Any] = await client.authorize_access_token(request)
    except (OAuthError, JoseError, ValueError, KeyError) as exc:
        raise SignInRefused(str(exc)) from exc
    claims = token.get("userinfo") or {}
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email or claims.get("email_verified") is False:
        raise SignInRefused("the identity provider gave no verified e-mail address")
    return email
