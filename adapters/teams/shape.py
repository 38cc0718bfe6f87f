"""The shape of every activity field Fivefold or botbuilder reads, checked before anything else.

An authenticated activity can still be malformed (`"entities": 0`, `"channelData": 5`,
a NUL byte, a 10,000-character id). Such a body is refused with 400 before botbuilder
deserializes it or any row is written. Fields Fivefold does not read pass through.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

Id = Annotated[str, StringConstraints(max_length=200)]
ShortId = Annotated[str, StringConstraints(max_length=64)]
Name = Annotated[str, StringConstraints(max_length=256)]
Url = Annotated[str, StringConstraints(max_length=400)]
Locale = Annotated[str, StringConstraints(max_length=16)]
MAX_TEXT = 28_000  # Teams' own limit on a message is about 28 KB
MAX_DEPTH = 32
UNREAD = frozenset({"timestamp", "localTimestamp"})  # msrest parses them; nobody reads them


class Open(BaseModel):
    """Checked fields are strictly typed; any other field is kept as it came."""

    model_config = ConfigDict(extra="allow", strict=True)


class Account(Open):
    id: Id | None = None
    name: Name | None = None
    aadObjectId: ShortId | None = None
    role: ShortId | None = None


class ConversationShape(Open):
    id: Url
    conversationType: ShortId | None = None
    tenantId: ShortId | None = None
    isGroup: bool | None = None
    name: Name | None = None


class Entity(Open):
    type: ShortId | None = None
    text: Name | None = None
    mentioned: Account | None = None
    locale: Locale | None = None
    timezone: ShortId | None = None


class Named(Open):
    id: Url | None = None
    name: Name | None = None


class TenantRef(Open):
    id: ShortId | None = None


class ChannelData(Open):
    tenant: TenantRef | None = None
    team: Named | None = None
    channel: Named | None = None


class ActivityShape(Open):
    type: ShortId
    id: Url | None = None
    name: Name | None = None
    action: ShortId | None = None
    channelId: ShortId | None = None
    serviceUrl: Url
    from_: Account = Field(alias="from")
    recipient: Account
    conversation: ConversationShape
    channelData: ChannelData | None = None
    entities: list[Entity] | None = None
    membersAdded: list[Account] | None = None
    membersRemoved: list[Account] | None = None
    text: Annotated[str, StringConstraints(max_length=MAX_TEXT)] | None = None
    textFormat: ShortId | None = None
    locale: Locale | None = None
    timestamp: ShortId | None = None
    localTimestamp: ShortId | None = None
    replyToId: Url | None = None


def problems(body: Any) -> str | None:
    """Why `body` is not an activity Fivefold can handle (None when it is)."""
    if not isinstance(body, dict):
        return "not a JSON object"
    bad = _bad_strings(body)
    if bad:
        return bad
    try:
        ActivityShape.model_validate(body)
    except ValidationError as error:
        first = error.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return None


def _bad_strings(body: dict[str, Any]) -> str | None:
    """NUL bytes or lone surrogates anywhere, or nesting deeper than MAX_DEPTH (iteratively)."""
    pending: list[tuple[Any, int]] = [(body, 0)]
    while pending:
        value, depth = pending.pop()
        if depth > MAX_DEPTH:
            return "nested too deeply"
        if isinstance(value, dict):
            pending.extend((key, depth + 1) for key in value)
            pending.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            pending.extend((item, depth + 1) for item in value)
        elif isinstance(value, str) and ("\x00" in value or not _encodable(value)):
            return "a text field holds a NUL byte or an invalid character"
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def for_botbuilder(activity: dict[str, Any]) -> dict[str, Any]:
    """Only the checked fields (and the opaque `value`), for botbuilder's msrest models.

    msrest raises on any field of an unexpected type; Fivefold itself reads the raw
    activity, so botbuilder only needs what routes the turn and its replies.
    """
    keep = {field.alias or name for name, field in ActivityShape.model_fields.items()} - UNREAD
    pruned = {key: value for key, value in activity.items() if key in keep or key == "value"}
    if isinstance(activity.get("channelData"), dict):  # botbuilder reads `tenant` etc. as dicts
        data = activity["channelData"]
        pruned["channelData"] = {k: v for k, v in data.items() if v is not None}
    for part in ("from", "recipient", "conversation"):
        pruned[part] = _known(activity[part], ConversationShape if part == "conversation" else Account)
    return pruned


def _known(value: dict[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    return {key: item for key, item in value.items() if key in model.model_fields}
