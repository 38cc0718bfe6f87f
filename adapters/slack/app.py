"""The Slack adapter's front door: Bolt listeners that translate, dispatch and answer.

Every listener runs the engine *before* acknowledging (Bolt's
`process_before_response=True`): the change, the dedupe key and the outbox rows
are committed when Slack gets its 200, and no work is left in a background task.
A reply leaves in the ack, inside the request only where Slack expects it
(ephemeral messages, `views.open`, `views.publish`), or through the outbox: see
`adapters.slack.replies`.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import dm, inbound, render, replies
from adapters.slack.oauth import EncryptedInstallationStore, state_store
from adapters.slack.port import SlackPort
from adapters.slack.settings import SlackSettings
from bot.crypto import TokenCipher
from bot.db import Database
from bot.engine import Engine
from bot.i18n import translator
from bot.interactions import Interaction, Reply
from bot.settings import Settings

BOT_SCOPES = [
    "commands", "chat:write", "chat:write.public", "users:read", "users:read.email",
    "reactions:read", "channels:history", "groups:history", "im:history", "im:write",
    "mpim:history",
]
EVENTS = ["reaction_added", "reaction_removed", "app_home_opened", "team_join", "user_change"]
DM_EVENT = "message.im"  # subscribed in the manifest; Bolt sees it as a `message` event
ANY = re.compile(r".*")
RETRY_LATER = "fivefold_retry_later"  # set in the Bolt context: the event's work was not committed
# Answer after the engine has committed; and leave the signature check to
# adapters.slack.http, which has done it (401) before Bolt sees a request.
BOLT_OPTIONS: dict[str, Any] = {"process_before_response": True, "request_verification_enabled": False}


class SlackAdapter:
    """Holds the Bolt app and the port the worker sends through."""

    def __init__(self, settings: Settings, slack: SlackSettings, engine: Engine, db: Database) -> None:
        self.settings = settings
        self.slack = slack
        self.engine = engine
        self.store: EncryptedInstallationStore | None = None
        token = slack.bot_token.get_secret_value() if slack.bot_token else None
        signing_secret = slack.signing_secret.get_secret_value() if slack.signing_secret else ""
        if slack.client_id and slack.client_secret:
            cipher = TokenCipher(settings.secret_key.get_secret_value())
            self.store = EncryptedInstallationStore(slack.client_id, db.engine, cipher)
            oauth = AsyncOAuthSettings(
                client_id=slack.client_id,
                client_secret=slack.client_secret.get_secret_value(),
                scopes=BOT_SCOPES, installation_store=self.store, state_store=state_store(db.engine),
                install_path="/slack/install", redirect_uri_path="/slack/oauth_redirect",
            )
            self.app = AsyncApp(signing_secret=signing_secret, oauth_settings=oauth,
                                client=AsyncWebClient(base_url=slack.api_url),
                                **BOLT_OPTIONS)
        else:
            self.app = AsyncApp(signing_secret=signing_secret,
                                client=AsyncWebClient(token=token, base_url=slack.api_url),
                                **BOLT_OPTIONS)
        self.port = SlackPort(api_url=slack.api_url, tokens=self.bot_token,
                              rate=slack.rate_per_second, burst=slack.burst,
                              single_workspace_token=None if self.store else token)
        self._listen()

    async def bot_token(self, team_id: str) -> str | None:
        """The bot token for a workspace (the single-workspace token, or the stored install)."""
        if self.store is None:
            token = self.slack.bot_token
            return token.get_secret_value() if token else None
        bot = await self.store.async_find_bot(enterprise_id=None, team_id=team_id)
        return bot.bot_token if bot else None

    async def _dispatch(self, interaction: Interaction) -> Reply:
        return await self.engine.dispatch(interaction, self.port)

    def _listen(self) -> None:
        app = self.app
        app.command(ANY)(self._on_command)
        app.shortcut(ANY)(self._on_shortcut)
        app.action(ANY)(self._on_action)
        app.view(ANY)(self._on_view)
        for name in EVENTS:
            app.event(name)(self._on_event)
        app.event("message")(self._on_dm)
        app.event(ANY)(self._ignore)

    async def _ignore(self, ack: AsyncAck) -> None:
        await ack()

    async def _on_command(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        command = inbound.command_from_slash(body)
        reply = await self._dispatch(command)
        if reply.ephemeral:
            await ack(**render.render_message(reply.ephemeral))
        else:
            await ack()
        await self._open_form(reply, body, client, command)

    async def _on_shortcut(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        action = inbound.action_from_shortcut(body)
        reply = await self._dispatch(action)
        await ack()
        await self._open_form(reply, body, client, action)
        await self._tell(reply, client, body, action)

    async def _on_action(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        action = inbound.action_from_block_action(body)
        reply = await self._dispatch(action)
        await ack()
        await self._open_form(reply, body, client, action)
        await self._tell(reply, client, body, action)

    async def _on_view(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        submission = inbound.submission_from_view(body)
        reply = await self._dispatch(submission)
        if reply.form_errors:
            await ack(response_action="errors", errors=reply.form_errors)
        elif reply.ephemeral:
            t = translator(submission.actor.locale or self.settings.default_locale)
            view = render.render_notice_modal(t._("Fivefold"), t._("Close"), reply.ephemeral)
            await ack(response_action="update", view=view)
        else:
            await ack()

    async def _on_event(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                        context: AsyncBoltContext) -> None:
        interaction = inbound.interaction_from_event(body)
        reply = await self._dispatch(interaction) if interaction else Reply()
        await ack()
        if reply.failed:  # answered non-2xx by adapters.slack.http, so Slack sends the event again
            context[RETRY_LATER] = True
            return
        if interaction is None:
            return
        if reply.home:
            user = interaction.actor.member_external_id
            await client.views_publish(user_id=user, view=render.render_home(reply.home))
        await self._tell(reply, client, body, interaction)

    async def _on_dm(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        """A member wrote to the bot in its DM: answer there, as Teams does in a 1:1 chat."""
        command = dm.command_from_dm(body)
        reply = await self._dispatch(command) if command else Reply()
        await ack()
        if command is None or reply.ephemeral is None:
            return
        channel = body["event"]["channel"]
        if reply.refused or reply.failed:  # an error only the writer needs to see, now
            user = command.actor.member_external_id
            await client.chat_postEphemeral(channel=channel, user=user, **render.render_message(reply.ephemeral))
        else:  # the answer stays in the conversation: a message like any other, through the outbox
            await replies.to_outbox(self.engine, command, reply.ephemeral, channel)

    async def _open_form(
        self, reply: Reply, body: dict[str, Any], client: AsyncWebClient, interaction: Interaction
    ) -> None:
        if reply.form and body.get("trigger_id"):
            locale = interaction.actor.locale or self.settings.default_locale
            view = render.render_modal(reply.form, locale=locale)
            await client.views_open(trigger_id=body["trigger_id"], view=view)

    async def _tell(
        self, reply: Reply, client: AsyncWebClient, body: dict[str, Any], interaction: Interaction
    ) -> None:
        """Show a reply outside a command's ack (shortcuts, buttons, reactions).

        Ephemeral in the channel it came from; without one (a global shortcut, the App
        Home) it becomes a message in the member's app DM, through the outbox.
        """
        if not reply.ephemeral:
            return
        user = interaction.actor.member_external_id
        channel = (body.get("channel") or {}).get("id") or ((body.get("event") or {}).get("item") or {}).get("channel")
        if channel:
            await client.chat_postEphemeral(channel=channel, user=user, **render.render_message(reply.ephemeral))
        else:
            await replies.to_outbox(self.engine, interaction, reply.ephemeral, user)


