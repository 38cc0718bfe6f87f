"""Teams `invoke` activities: each gets an invoke response, never botbuilder's 501.

Answered: the "Give kudos" message action (`composeExtension/fetchTask` opens the
kudos form pre-filled with the message's author, `composeExtension/submitAction`
gives the kudos) and the personal Home card's refresh (`adaptiveCard/action`,
Universal Actions). Any other invoke gets a clean "not supported" answer in the
shape its family expects.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.schema import Activity

from adapters.teams import forms, inbound, notices, render
from adapters.teams.activity import as_dict, as_str, channel_id
from bot.interactions import Action, Event, Interaction, Reply
from bot.messages import Message

if TYPE_CHECKING:
    from adapters.teams.app import TeamsAdapter

GIVE_KUDOS = "giveKudos"
HOME_REFRESH = "home.refresh"
ERROR_TYPE = "application/vnd.microsoft.error"
Body = dict[str, Any]


def task_message(text: str) -> Body:
    """A dialog answer that closes it with a short message."""
    return {"task": {"type": "message", "value": text[:1000]}}


def task_card(title: str, card: dict[str, Any]) -> Body:
    """A dialog answer that shows `card`."""
    attachment = {"contentType": render.CARD_TYPE, "content": card}
    return {"task": {"type": "continue", "value": {"title": title, "card": attachment}}}


def ok(body: Body) -> InvokeResponse:
    """An HTTP 200 invoke response with `body` (Teams reads the outcome from the body)."""
    return InvokeResponse(status=200, body=body)


def not_supported(name: str, locale: str | None) -> Body:
    """The "not supported" answer in the shape the invoke's family expects."""
    text = notices.not_supported(locale)
    if name.startswith("composeExtension/"):
        return {"composeExtension": {"type": "message", "text": text}}
    if name.startswith("task/"):
        return task_message(text)
    return {"statusCode": 400, "type": ERROR_TYPE, "value": {"code": "NotSupported", "message": text}}


def message_author(value: dict[str, Any]) -> tuple[str | None, str]:
    """The AAD object id and display name of the author of a message action's message."""
    user = as_dict(as_dict(as_dict(value.get("messagePayload")).get("from")).get("user"))
    if as_str(user.get("userIdentityType")) not in ("", "aadUser"):
        return None, ""
    return as_str(user.get("id")) or None, as_str(user.get("displayName"))


def home_card(message: Message, user_id: str) -> dict[str, Any]:
    """The Home card, refreshed by Teams each time its member looks at it."""
    card = render.render_card(message)
    card["refresh"] = {
        "action": {"type": "Action.Execute", "verb": HOME_REFRESH, "title": message.fallback},
        "userIds": [user_id],
    }
    return card


class Invokes:
    """Answers invoke activities through the engine, like any other turn."""

    def __init__(self, adapter: TeamsAdapter) -> None:
        self.adapter = adapter
        self.handlers: dict[str, Callable[[dict[str, Any]], Awaitable[InvokeResponse]]] = {
            "composeExtension/fetchTask": self.fetch_task,
            "composeExtension/submitAction": self.submit_action,
            "adaptiveCard/action": self.card_action,
        }

    async def answer(self, raw: dict[str, Any], turn_context: TurnContext) -> None:
        """Compute the invoke response and hand it to botbuilder."""
        name = as_str(raw.get("name"))
        handler = self.handlers.get(name)
        response = (
            await handler(raw)
            if handler and as_str(as_dict(raw.get("from")).get("aadObjectId"))
            else ok(not_supported(name, as_str(raw.get("locale")) or None))
        )
        await turn_context.send_activity(Activity(type="invokeResponse", value=response))

    async def _dispatch(self, interaction: Interaction) -> Reply:
        return await self.adapter.engine.dispatch(interaction, self.adapter.port)

    async def fetch_task(self, raw: dict[str, Any]) -> InvokeResponse:
        """The message action opens the kudos form, pre-filled with the message's author."""
        value = as_dict(raw.get("value"))
        if as_str(value.get("commandId")) != GIVE_KUDOS:
            return ok(not_supported(as_str(raw.get("name")), raw.get("locale")))
        author, name = message_author(value)
        sender = as_str(raw["from"]["aadObjectId"])
        action = Action(
            actor=inbound.actor(raw, sender),
            dedupe_key=None,
            action_id="kudos.shortcut",
            channel_id=channel_id(raw),
            message_author_id=author if author != sender else None,
        )
        reply = await self._dispatch(action)
        if reply.form is None:
            return ok(task_message(self._text(reply)))
        names = {author: name} if author and name else {}
        card = forms.render_form(reply.form, locale=action.actor.locale, names=names)
        return ok(task_card(reply.form.title, card))

    async def submit_action(self, raw: dict[str, Any]) -> InvokeResponse:
        """The message action's form was submitted: the kudos are given (or refused)."""
        value = as_dict(raw.get("value"))
        sender = as_str(raw["from"]["aadObjectId"])
        submission = inbound.from_card_submit({**raw, "value": as_dict(value.get("data"))}, sender)
        if submission is None:
            return ok(not_supported(as_str(raw.get("name")), raw.get("locale")))
        reply = await self._dispatch(submission)
        return ok(task_message(self._text(reply)))

    async def card_action(self, raw: dict[str, Any]) -> InvokeResponse:
        """Universal Actions: the Home card's refresh shows the member's current figures."""
        action = as_dict(as_dict(raw.get("value")).get("action"))
        if as_str(action.get("verb")) != HOME_REFRESH:
            return ok(not_supported(as_str(raw.get("name")), raw.get("locale")))
        card = await self.home(raw)
        if card is None:
            return ok(not_supported(as_str(raw.get("name")), raw.get("locale")))
        return ok({"statusCode": 200, "type": render.CARD_TYPE, "value": card})

    async def home(self, raw: dict[str, Any]) -> dict[str, Any] | None:
        """The member's Home card (stats, allowance left, leaderboard), or None."""
        sender = as_str(as_dict(raw.get("from")).get("aadObjectId"))
        event = Event(actor=inbound.actor(raw, sender), dedupe_key=None, name="home_opened")
        reply = await self._dispatch(event)
        if reply.home is None:
            return None
        return home_card(reply.home, as_str(raw["from"]["id"]))

    async def post_home(self, raw: dict[str, Any], turn_context: TurnContext) -> None:
        """Post the Home card into a member's 1:1 chat (after a personal install)."""
        card = await self.home(raw)
        if card is not None:
            await turn_context.send_activity(Activity().deserialize(render.activity(card)))

    @staticmethod
    def _text(reply: Reply) -> str:
        return reply.ephemeral.fallback if reply.ephemeral else ""
