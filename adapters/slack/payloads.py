"""The shape of every Slack request Fivefold handles, as pydantic models (one per payload kind).

A body is validated once, before Bolt or anything else reads it: strict types, bounded
lengths, no NUL bytes. Only the validated fields travel on (Bolt gets the model's dump), so
the translators in `adapters.slack.inbound` can trust the shape. Fields a person typed are
`UserText`: when only those are wrong (too long, a NUL byte) the request gets a polite
refusal instead of a 400 (see `adapters.slack.validate`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    model_validator,
)
from pydantic_core import PydanticCustomError

USER_TEXT_ERROR = "user_text"
TYPED_LIMIT = 4000  # a slash command's or a modal input's text
MESSAGE_LIMIT = 40_000  # Slack's own limit for a message

NO_NUL = r"^[^\x00]*$"
SlackId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:=\-]+$")]
Name = Annotated[str, StringConstraints(max_length=255, pattern=NO_NUL)]
Key = Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=NO_NUL)]
Blob = Annotated[str, StringConstraints(max_length=3000, pattern=NO_NUL)]
Locale = Annotated[str, StringConstraints(max_length=16, pattern=r"^[A-Za-z0-9_\-]*$")]


def _limited(limit: int) -> AfterValidator:
    def check(value: str) -> str:
        if len(value) > limit or "\x00" in value:
            raise PydanticCustomError(USER_TEXT_ERROR, "text longer than {limit} characters or with a NUL byte",
                                      {"limit": limit})
        return value

    return AfterValidator(check)


TypedText = Annotated[str, _limited(TYPED_LIMIT)]
MessageText = Annotated[str, _limited(MESSAGE_LIMIT)]


class Shape(BaseModel):
    """Strict (no coercion: `5` is not a string), and blind to fields Fivefold never reads."""

    model_config = ConfigDict(strict=True, extra="ignore")


class Team(Shape):
    id: SlackId
    domain: Name = ""
    enterprise_id: SlackId | None = None


class Enterprise(Shape):
    id: SlackId
    name: Name | None = None


class User(Shape):
    id: SlackId
    team_id: SlackId | None = None
    locale: Locale | None = None


class Channel(Shape):
    id: SlackId
    name: Name | None = None


class Authorization(Shape):
    enterprise_id: SlackId | None = None
    team_id: SlackId | None = None
    user_id: SlackId | None = None
    is_bot: bool = False
    is_enterprise_install: bool = False


class Envelope(Shape):
    """What Bolt's context builder reads on every kind (enterprise, team, installs)."""

    enterprise: Enterprise | None = None
    enterprise_id: SlackId | None = None
    is_enterprise_install: bool | None = None
    authorizations: Annotated[list[Authorization], Field(max_length=10)] | None = None
    team: Team | None = None
    response_url: Blob | None = None


class Interactive(Envelope):
    """An interactivity payload: someone did something, in a workspace Fivefold must know."""

    user: User

    @model_validator(mode="after")
    def _names_a_workspace(self) -> Interactive:
        if self.team is None and self.user.team_id is None:
            raise ValueError("no team id (neither team.id nor user.team_id)")
        return self


# --- Events API -------------------------------------------------------------------------


class ReactionItem(Shape):
    type: Name
    channel: SlackId | None = None
    ts: SlackId | None = None


class ReactionEvent(Shape):
    type: Literal["reaction_added", "reaction_removed"]
    user: SlackId
    reaction: Name
    item: ReactionItem
    item_user: SlackId | None = None
    event_ts: SlackId | None = None


class HomeOpenedEvent(Shape):
    type: Literal["app_home_opened"]
    user: SlackId
    tab: Name = "home"
    channel: SlackId | None = None


class MemberEvent(Shape):
    type: Literal["team_join", "user_change"]
    user: User


class MessageEvent(Shape):
    type: Literal["message"]
    user: SlackId | None = None
    text: MessageText = ""
    channel: SlackId | None = None
    channel_type: Name | None = None
    subtype: Name | None = None
    bot_id: SlackId | None = None
    ts: SlackId | None = None
    thread_ts: SlackId | None = None


class OtherEvent(Shape):
    """An event Fivefold does not act on: only its type is kept."""

    type: Key


KNOWN_EVENTS = {
    "reaction_added": "reaction", "reaction_removed": "reaction", "app_home_opened": "home",
    "team_join": "member", "user_change": "member", "message": "message",
}


def _event_kind(event: Any) -> str:
    kind = event.get("type") if isinstance(event, dict) else getattr(event, "type", None)
    return KNOWN_EVENTS.get(kind, "other") if isinstance(kind, str) else "other"


AnyEvent = Annotated[
    Annotated[ReactionEvent, Tag("reaction")] | Annotated[HomeOpenedEvent, Tag("home")]
    | Annotated[MemberEvent, Tag("member")] | Annotated[MessageEvent, Tag("message")]
    | Annotated[OtherEvent, Tag("other")],
    Discriminator(_event_kind),
]


class EventCallback(Envelope):
    type: Literal["event_callback"]
    team_id: SlackId
    api_app_id: SlackId | None = None
    event_id: SlackId
    event_time: int | None = None
    event: AnyEvent


class UrlVerification(Shape):
    type: Literal["url_verification"]
    challenge: Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=r"^[A-Za-z0-9._\-]+$")]


class AppRateLimited(Shape):
    type: Literal["app_rate_limited"]
    team_id: SlackId | None = None
    api_app_id: SlackId | None = None
    minute_rate_limited: int | None = None


# --- Interactivity ----------------------------------------------------------------------


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
