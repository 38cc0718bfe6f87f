"""The shape of every Slack request Fivefold handles, as pydantic models (one per payload kind).

A body is validated once, before Bolt or anything else reads it: strict types, bounded
lengths, no NUL bytes. Only the validated fields travel on (Bolt gets the model's dump), so
the translators in `adapters.slack.inbound` can trust the shape. The Events API kinds are in
`adapters.slack.payload_events`, the building blocks in `adapters.slack.payload_types`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from adapters.slack.payload_events import AppRateLimited, EventCallback, UrlVerification
from adapters.slack.payload_types import (
    USER_TEXT_ERROR,
    Blob,
    Channel,
    Envelope,
    Interactive,
    Key,
    MessageText,
    Name,
    Shape,
    SlackId,
    TypedText,
)

__all__ = ["USER_TEXT_ERROR", "JsonPayload", "SlashCommand"]

class PressedAction(Shape):
    action_id: Key
    block_id: Name | None = None
    type: Name | None = None
    value: Blob | None = None


class Container(Shape):
    type: Name | None = None
    channel_id: SlackId | None = None
    message_ts: SlackId | None = None
    view_id: SlackId | None = None


class BlockActions(Interactive):
    type: Literal["block_actions"]
    trigger_id: SlackId
    actions: Annotated[list[PressedAction], Field(min_length=1, max_length=25)]
    channel: Channel | None = None
    container: Container | None = None


class Option(Shape):
    value: Name


class InputElement(Shape):
    type: Name
    value: TypedText | None = None
    selected_user: SlackId | None = None
    selected_users: Annotated[list[SlackId], Field(max_length=100)] | None = None
    selected_option: Option | None = None
    selected_options: Annotated[list[Option], Field(max_length=100)] | None = None


class ViewState(Shape):
    values: Annotated[dict[Key, Annotated[dict[Key, InputElement], Field(max_length=10)]], Field(max_length=100)]


class SubmittedView(Shape):
    id: SlackId
    type: Name
    callback_id: Key
    hash: Name = ""
    private_metadata: Blob = ""
    state: ViewState
    team_id: SlackId | None = None
    app_installed_team_id: SlackId | None = None


class ClosedView(Shape):
    id: SlackId
    type: Name
    callback_id: Name = ""
    private_metadata: Blob = ""


class ViewSubmission(Interactive):
    type: Literal["view_submission"]
    trigger_id: SlackId | None = None
    view: SubmittedView


class ViewClosed(Interactive):
    type: Literal["view_closed"]
    view: ClosedView
    is_cleared: bool = False


class Shortcut(Interactive):
    type: Literal["shortcut"]
    callback_id: Key
    trigger_id: SlackId


class ShortcutMessage(Shape):
    user: SlackId | None = None
    text: MessageText = ""
    ts: SlackId | None = None


class MessageAction(Interactive):
    type: Literal["message_action"]
    callback_id: Key
    trigger_id: SlackId
    channel: Channel | None = None
    message: ShortcutMessage


JsonPayload = Annotated[
    EventCallback | UrlVerification | AppRateLimited | BlockActions | ViewSubmission | ViewClosed
    | Shortcut | MessageAction,
    Field(discriminator="type"),
]


class SlashCommand(Envelope):
    """A slash command's form fields (every value a string)."""

    command: Annotated[str, StringConstraints(min_length=2, max_length=64, pattern=r"^/[^\x00\s]+$")]
    team_id: SlackId
    team_domain: Name = ""
    user_id: SlackId
    channel_id: SlackId | None = None
    trigger_id: SlackId
    text: TypedText = ""
    is_enterprise_install: Literal["true", "false"] | None = None  # type: ignore[assignment]
