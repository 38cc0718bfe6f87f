"""The Teams adapter's turn: record what the activity shows, dispatch, answer the actor.

The engine commits the change, the activity's dedupe key and the outbox rows before
the HTTP response, so a redelivered activity only finds its key.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import httpx
import structlog
from botbuilder.core import (
    BotFrameworkAdapterSettings,
    InvokeResponse,
    TurnContext,
)
from botbuilder.schema import Activity
from botframework.connector.auth import ClaimsIdentity

from adapters.teams import forms, inbound, notices, references, render, shape
from adapters.teams.auth import Identity, TokenVerifier
from adapters.teams.connector import AioHttpBotAdapter
from adapters.teams.credentials import BotCredentials
from adapters.teams.graph import GraphReader
from adapters.teams.invokes import Invokes
from adapters.teams.port import TeamsPort
from adapters.teams.reach import MemberReach
from adapters.teams.settings import TeamsSettings
from adapters.teams.store import TeamsStore
from bot.db import Database
from bot.engine import Engine
from bot.interactions import Interaction, Reply
from bot.messages import Message
from bot.settings import Settings

log = structlog.get_logger(__name__)


class TeamsAdapter:
    """Holds botbuilder's adapter, the token verifier and the port the worker sends through."""

    def __init__(self, settings: Settings, teams: TeamsSettings, engine: Engine, db: Database) -> None:
        app_id = teams.app_id
        password = (
            teams.app_password.get_secret_value()
            if teams.app_password
            else ""
        )
        tenant = (
            teams.app_tenant_id
            if teams.app_type == "SingleTenant"
            else ""
        )
        self.engine = engine
        self.credentials = BotCredentials(
            app_id, password, login_url=teams.login_url, tenant=tenant
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
            rate=teams.rate_per_second,
        )
        if app_id:
            self.port.graph = GraphReader(
                app_id, password, login_url=teams.login_url, graph_url=teams.graph_url
            )
        self.reach = MemberReach(self.store, self.port, db)
        self.invokes = Invokes(self)
        self.verifier = (
            TokenVerifier(app_id, teams.openid_metadata_url) if app_id else None
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
            Activity().deserialize(shape.for_botbuilder(activity)),
            claims,
            partial(self._turn, activity),
        )

    async def _turn(self, raw: dict[str, Any], turn_context: TurnContext) -> None:
        tenant = inbound.tenant_id(raw)
        await self.store.save_accounts(
            tenant, references.accounts_from_activity(raw), raw["serviceUrl"]
        )
        conversation = references.conversation_from_activity(raw)
        if references.uninstalled(raw):
            await self.store.forget_conversation(tenant, conversation.conversation_id)
            self.reach.reachable.forget((tenant, conversation.member_id))
        else:
            await self.store.save_conversation(tenant, conversation)
        installed = references.installed_by(raw)
        if installed and await self.reach.installed(tenant, installed):
            self._wake_worker()
        if raw["type"] == "invoke":
            await self.invokes.answer(raw, turn_context)
            return
        for interaction in inbound.interactions_from_activity(raw):
            reply, notes = await self._reply(raw, interaction, turn_context)
            try:
                await self._answer(raw, interaction, reply, notes, turn_context)
            except Exception:  # the change is committed; a failed answer must not cause a retry
                log.exception("teams.answer_failed", route=interaction.route)
        if installed and raw["type"] == "installationUpdate":
            try:  # the welcome is a courtesy: the install itself is recorded
                await self.invokes.post_home(raw, turn_context)
            except Exception:
                log.exception("teams.home_failed")

    async def _reply(
        self, raw: dict[str, Any], interaction: Interaction, turn_context: TurnContext
    ) -> tuple[Reply, list[Message]]:
        """Dispatch (mentions resolved first); the notes say who cannot be reached yet."""
        locale = interaction.actor.locale
        resolved = await self.reach.resolve(interaction, raw, turn_context)
        if resolved.unresolved:
            return Reply(ephemeral=notices.unresolved(locale, resolved.unresolved), refused=True), []
        interaction = resolved.interaction
        others = [m for m in interaction.mentioned if m != interaction.actor.member_external_id]
        # before the dispatch: a 1:1 chat created here is the one the worker's DM then uses
        waiting = await self.reach.not_installed(interaction.actor.tenant_external_id, others)
        reply = await self.engine.dispatch(interaction, self.port)
        if reply.refused or reply.duplicate:
            return reply, []
        return reply, [notices.not_installed(locale, name) for name in waiting]

    def _wake_worker(self) -> None:
        for callback in self.engine.on_commit:
            callback()

    async def _answer(
        self,
        raw: dict[str, Any],
        interaction: Interaction,
        reply: Reply,
        notes: list[Message],
        turn_context: TurnContext,
    ) -> None:
        """Show the immediate reply: in the 1:1 chat, or privately when it came from a channel."""
        activities = []
        if reply.ephemeral:
            activities.append(render.render_activity(reply.ephemeral))
        activities.extend(render.render_activity(note) for note in notes)
        if reply.form:
            activities.append(
                render.activity(forms.render_form(reply.form, locale=interaction.actor.locale))
            )
        for activity in activities:
            if inbound.conversation_kind(raw) == "personal":
                await turn_context.send_activity(Activity().deserialize(activity))
            else:
                actor = interaction.actor
                reference = await self.port.open_personal(
                    actor.tenant_external_id, actor.member_external_id
                )
                await self.port.post(reference, activity)
