"""Multi-workspace installs: Slack's SQLAlchemy stores, with tokens encrypted at rest."""

from __future__ import annotations

import copy
from typing import Any

import sqlalchemy
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import (
    AsyncSQLAlchemyInstallationStore,
    SQLAlchemyInstallationStore,
)
from slack_sdk.oauth.state_store.sqlalchemy import (
    AsyncSQLAlchemyOAuthStateStore,
    SQLAlchemyOAuthStateStore,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.crypto import TokenCipher

# encrypted at rest: the tokens, and the incoming webhook URL (anyone holding it can post to the channel)
ENCRYPTED_FIELDS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token", "incoming_webhook_url")
INSTALLATIONS, BOTS, STATES = "slack_installations", "slack_bots", "slack_oauth_states"


def slack_tables(metadata: sqlalchemy.MetaData) -> None:
    """Add Slack's installation, bot and OAuth-state tables to `metadata` (for Alembic).

    The encrypted columns are widened to TEXT because they hold ciphertext.
    """
    if INSTALLATIONS in metadata.tables:
        return
    for table in (
        SQLAlchemyInstallationStore.build_installations_table(metadata, INSTALLATIONS),
        SQLAlchemyInstallationStore.build_bots_table(metadata, BOTS),
    ):
        for name in ENCRYPTED_FIELDS:
            if name in table.c:
                table.c[name].type = sqlalchemy.Text()
    SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, STATES)


def _transform(original: Any, change: Any) -> Any:
    obj = copy.copy(original)
    for name in ENCRYPTED_FIELDS:
        if hasattr(obj, name):
            setattr(obj, name, change(getattr(obj, name)))
    return obj


class EncryptedInstallationStore(AsyncInstallationStore):
    """Wraps Slack's async SQLAlchemy store: secrets are encrypted before they are written.

    Values stored in clear before (an older Fivefold's webhook URLs) are read as they are.
    """

    def __init__(self, client_id: str, engine: AsyncEngine, cipher: TokenCipher) -> None:
        self.inner = AsyncSQLAlchemyInstallationStore(client_id=client_id, engine=engine)
        self.cipher = cipher

    async def async_save(self, installation: Installation) -> None:
        """Store an installation with its tokens encrypted."""
        await self.inner.async_save(_transform(installation, self.cipher.encrypt))

    async def async_save_bot(self, bot: Bot) -> None:
        """Store a bot with its tokens encrypted."""
        await self.inner.async_save_bot(_transform(bot, self.cipher.encrypt))

    async def async_find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> Bot | None:
        """The workspace's bot, tokens decrypted."""
        bot = await self.inner.async_find_bot(
            enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=is_enterprise_install
        )
        return _transform(bot, self.cipher.decrypt) if bot else None

    async def async_find_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        """The workspace's installation, tokens decrypted."""
        found = await self.inner.async_find_installation(
            enterprise_id=enterprise_id, team_id=team_id, user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )
        return _transform(found, self.cipher.decrypt) if found else None

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """Forget the workspace's bot (app uninstalled)."""
        await self.inner.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        """Forget an installation."""
        await self.inner.async_delete_installation(
            enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
        )


def state_store(engine: AsyncEngine) -> AsyncSQLAlchemyOAuthStateStore:
    """The OAuth state store (10-minute states) on our database."""
    return AsyncSQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine, table_name=STATES)
