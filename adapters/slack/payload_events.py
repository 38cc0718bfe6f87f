"""Events API payloads: the envelope and each event type Fivefold reads (the rest keep their type only)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, StringConstraints, Tag

from adapters.slack.payload_types import Envelope, Key, MessageText, Name, Shape, SlackId, User


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
