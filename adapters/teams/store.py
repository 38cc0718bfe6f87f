"""Persistence of what Teams tells the bot: conversation references and accounts."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Hashable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from adapters.teams.models import TeamsAccount, TeamsConversation
from adapters.teams.references import Account, Conversation
from bot.db import Database
from bot.models import utcnow


async def _conversation_row(
    session: AsyncSession, tenant: str, conversation_id: str
) -> TeamsConversation | None:
    query = select(TeamsConversation).where(
        col(TeamsConversation.tenant_external_id) == tenant,
        col(TeamsConversation.conversation_id) == conversation_id,
    )
    return (await session.execute(query)).scalar_one_or_none()


async def _account_row(
    session: AsyncSession, tenant: str, aad_object_id: str
) -> TeamsAccount | None:
    query = select(TeamsAccount).where(
        col(TeamsAccount.tenant_external_id) == tenant,
        col(TeamsAccount.aad_object_id) == aad_object_id,
    )
    return (await session.execute(query)).scalar_one_or_none()


class WriteMemo:
    """Remembers what this process last wrote, so an unchanged row is not rewritten.

    Every Teams message carries the sender's account and the conversation reference;
    rewriting both on each message tripled the database work of a kudos. Entries
    expire after `ttl` seconds so a value another process changed is refreshed.
    """

    def __init__(self, ttl: float = 600.0, size: int = 100_000) -> None:
        self.ttl, self.size = ttl, size
        self._seen: dict[Hashable, tuple[float, Hashable]] = {}

    def unchanged(self, key: Hashable, value: Hashable) -> bool:
        """True when `value` was written for `key` within the last `ttl` seconds."""
        found = self._seen.get(key)
        return found is not None and found[1] == value and found[0] > time.monotonic()

    def forget(self, key: Hashable) -> None:
        """Drop what was noted for `key` (the row was deleted)."""
        self._seen.pop(key, None)

    def wrote(self, key: Hashable, value: Hashable) -> None:
        """Note a successful write."""
        if len(self._seen) >= self.size:
            self._seen.clear()
        self._seen[key] = (time.monotonic() + self.ttl, value)


class TeamsStore:
    """Reads and writes the Teams tables in their own short transactions."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.memo = WriteMemo()

    async def save_conversation(self, tenant: str, conversation: Conversation) -> None:
        """Insert or refresh a conversation reference (skipped when nothing changed)."""
        key = ("conversation", tenant, conversation.conversation_id)
        value = (conversation.member_id, conversation.service_url, json.dumps(conversation.reference, sort_keys=True))
        if self.memo.unchanged(key, value):
            return
        await self._save_conversation(tenant, conversation)
        self.memo.wrote(key, value)

    async def _save_conversation(self, tenant: str, conversation: Conversation) -> None:
        for _attempt in range(2):
            try:
                async with self.db.transaction() as session:
                    row = await _conversation_row(session, tenant, conversation.conversation_id)
                    if row is None:
                        row = TeamsConversation(
                            tenant_external_id=tenant,
                            conversation_id=conversation.conversation_id,
                            kind=conversation.kind,
                            service_url=conversation.service_url,
                            reference=conversation.reference,
                        )
                        session.add(row)
                    row.member_id = conversation.member_id or row.member_id
                    row.service_url, row.reference = (
                        conversation.service_url,
                        conversation.reference,
                    )
                    row.updated_at = utcnow()
                return
            except IntegrityError:
                continue

    async def forget_conversation(self, tenant: str, conversation_id: str) -> None:
        """Drop a reference (the app was uninstalled there)."""
        self.memo.forget(("conversation", tenant, conversation_id))
        async with self.db.transaction() as session:
            await session.execute(
                delete(TeamsConversation).where(
                    col(TeamsConversation.tenant_external_id) == tenant,
                    col(TeamsConversation.conversation_id) == conversation_id,
                )
            )

    async def save_accounts(self, tenant: str, accounts: list[Account], service_url: str) -> None:
        """Insert or refresh the accounts an activity showed (skipping unchanged ones)."""
        for account in {a.aad_object_id: a for a in reversed(accounts)}.values():
            key = ("account", tenant, account.aad_object_id)
            value = (service_url, *dataclasses.astuple(account))
            if self.memo.unchanged(key, value):
                continue
            await self._save_account(tenant, account, service_url)
            self.memo.wrote(key, value)

    async def _save_account(self, tenant: str, account: Account, service_url: str) -> None:
        for _attempt in range(2):
            try:
                async with self.db.transaction() as session:
                    row = await _account_row(session, tenant, account.aad_object_id)
                    if row is None:
                        row = TeamsAccount(
                            tenant_external_id=tenant,
                            aad_object_id=account.aad_object_id,
                            user_id=account.user_id,
                            service_url=service_url,
                        )
                        session.add(row)
                    row.user_id, row.service_url = account.user_id, service_url
                    row.name = (account.name or row.name)[:200]
                    row.locale = account.locale or row.locale
                    row.timezone = account.timezone or row.timezone
                    row.email = account.email or row.email
                    row.user_principal_name = account.user_principal_name or row.user_principal_name
                    row.updated_at = utcnow()
                break
            except IntegrityError:
                continue

    async def personal_reference(self, tenant: str, aad_object_id: str) -> dict[str, Any] | None:
        """The reference of the bot's 1:1 chat with a member, if there is one."""
        async with self.db.transaction() as session:
            query = (
                select(col(TeamsConversation.reference))
                .where(
                    col(TeamsConversation.tenant_external_id) == tenant,
                    col(TeamsConversation.kind) == "personal",
                    col(TeamsConversation.member_id) == aad_object_id,
                )
                .order_by(col(TeamsConversation.updated_at).desc())
                .limit(1)
            )
            found: dict[str, Any] | None = (await session.execute(query)).scalar_one_or_none()
            return found

    async def reference(self, tenant: str, conversation_id: str) -> dict[str, Any] | None:
        """The reference of a channel or chat by conversation id."""
        async with self.db.transaction() as session:
            row = await _conversation_row(session, tenant, conversation_id)
            return row.reference if row else None

    async def account(self, tenant: str, aad_object_id: str) -> TeamsAccount | None:
        """An account by AAD object id."""
        async with self.db.transaction() as session:
            return await _account_row(session, tenant, aad_object_id)

    async def aad_id_of(self, tenant: str, user_id: str) -> str | None:
        """The AAD object id of a Teams user id (`29:…`), if the bot has seen it."""
        async with self.db.transaction() as session:
            query = (
                select(col(TeamsAccount.aad_object_id))
                .where(
                    col(TeamsAccount.tenant_external_id) == tenant,
                    col(TeamsAccount.user_id) == user_id,
                )
                .limit(1)
            )
            found: str | None = (await session.execute(query)).scalar_one_or_none()
            return found

    async def accounts(self, tenant: str) -> list[TeamsAccount]:
        """Every account seen in a tenant."""
        async with self.db.transaction() as session:
            query = select(TeamsAccount).where(col(TeamsAccount.tenant_external_id) == tenant)
            return list((await session.execute(query)).scalars())
