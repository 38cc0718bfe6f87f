"""The Teams adapter's turn: record what the activity shows, dispatch, answer the actor.

The engine commits the change, the activity's dedupe key and the outbox rows before
the HTTP response, so a redelivered activity only finds its key.
"""

from __future__ import annotations

import dataclasses
from functools import partial
from typing import Any

import httpx
import structlog
from botbuilder.core import (
    BotFrameworkAdapterSettings,
    InvokeResponse,
    TurnContext,
)
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import Activity
from botframework.connector.auth import ClaimsIdentity

from adapters.teams import forms, inbound, references, render
from adapters.teams.auth import Identity, TokenVerifier
from adapters.teams.connector import AioHttpBotAdapter
from adapters.teams.credentials import BotCredentials
from adapters.teams.port import TeamsPort
from adapters.teams.store import TeamsStore
from bot.db import Database
from bot.engine import Engine
from bot.interactions import Command, Interaction, Reply
from bot.settings import Settings

log = structlog.get_logger(__name__)


class TeamsAdapter:
    """Holds botbuilder's adapter, the token verifier and the port the worker sends through."""

    def __init__(self, settings: Settings, engine: Engine, db: Database) -> None:
        app_id = settings.microsoft_app_id
        password = (
            settings.microsoft_app_password.get_secret_value()
            if settings.microsoft_app_password
            else ""
        )
        tenant = (
            settings.microsoft_app_tenant_id
            if settings.microsoft_app_type == "SingleTenant"
            else ""
        )
        self.engine = engine
        self.credentials = BotCredentials(
            app_id, password, login_url=settings.teams_login_url, tenant=tenant
        )
        self.adapter = AioHttpBotAdapter(
            BotFrameworkAdapterSettings(
                app_id,
                password,
                app_credentials=self.credentials if app_id else None,
            )
        )
        self.store = TeamsStore(db)
        self.port = TeamsPort(
            self.adapter,
            self.store,
            self.credentials,
            app_id=app_id,
            rate=settings.teams_rate_per_second,
        )
        self.verifier = (
            TokenVerifier(app_id, settings.teams_openid_metadata_url) if app_id else None
        )
        self.unauthenticated = not app_id and settings.environment == "development"
        if self.unauthenticated:
            log.warning(
                "teams.UNAUTHENTICATED",
                detail="MICROSOFT_APP_ID is empty: /api/messages "
                "accepts unsigned activities. Development only; never expose this server.",
            )

    async def handle(
        self, activity: dict[str, Any], identity: Identity | None
    ) -> InvokeResponse | None:
        """Run one verified activity through botbuilder's pipeline and our turn."""
        try:
            await self.credentials.prefetch()
        except httpx.HTTPError:  # the turn still counts; only its answer may fail
            log.warning("teams.token_unavailable", exc_info=True)
        claims = ClaimsIdentity(identity.claims if identity else {}, True)
        return await self.adapter.process_activity_with_identity(
            Activity().deserialize(activity), claims, partial(self._turn, activity)
        )

    async def _turn(self, raw: dict[str, Any], turn_context: TurnContext) -> None:
        tenant = inbound.tenant_id(raw)
        await self.store.save_accounts(
            tenant, references.accounts_from_activity(raw), raw["serviceUrl"]
        )
        conversation = references.conversation_from_activity(raw)
        if references.uninstalled(raw):
            await self.store.forget_conversation(tenant, conversation.conversation_id)
        else:
            await self.store.save_conversation(tenant, conversation)
        for interaction in inbound.interactions_from_activity(raw):
            resolved = await self._resolve(interaction, turn_context)
            reply = await self.engine.dispatch(resolved, self.port)
            try:
                await self._answer(raw, resolved, reply, turn_context)
            except Exception:  # the change is committed; a failed answer must not cause a retry
                log.exception("teams.answer_failed", route=resolved.route)

    async def _resolve(self, interaction: Interaction, turn_context: TurnContext) -> Interaction:
        """Mentions named by Teams user id (`29:…`) become AAD object ids (dropped if unknown)."""
        if not isinstance(interaction, Command) or not any(
            m.startswith(inbound.TEAMS_USER_PREFIX) for m in interaction.mentions
        ):
            return interaction
        resolved: list[str] = []
        for mention in interaction.mentions:
            if not mention.startswith(inbound.TEAMS_USER_PREFIX):
                resolved.append(mention)
                continue
            aad = await self.store.aad_id_of(interaction.actor.tenant_external_id, mention)
            if aad is None:
                try:
                    aad = (await TeamsInfo.get_member(turn_context, mention)).aad_object_id
                except Exception:
                    log.info("teams.mention_unresolved", user_id=mention)
            if aad:
                resolved.append(aad)
        return dataclasses.replace(interaction, mentions=tuple(resolved))

    async def _answer(
        self, raw: dict[str, Any], interaction: Interaction, reply: Reply, turn_context: TurnContext
    ) -> None:
        """Show the immediate reply: in the 1:1 chat, or privately when it came from a channel."""
        activities = []
        if reply.ephemeral:
            activities.append(render.render_activity(reply.ephemeral))
        if reply.form:
            activities.append(render.activity(forms.render_form(reply.form)))
        for activity in activities:
            if inbound.conversation_kind(raw) == "personal":
                await turn_context.send_activity(Activity().deserialize(activity))
            else:
                actor = interaction.actor
                reference = await self.port.open_personal(
                    actor.tenant_external_id, actor.member_external_id
                )
                await self.port.post(reference, activity)
