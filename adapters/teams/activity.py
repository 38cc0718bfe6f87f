"""Reading Bot Framework activities: validation and the fields every translation needs."""

from __future__ import annotations

from typing import Any

from adapters.teams import shape
from bot.errors import FivefoldError


class MalformedActivity(FivefoldError, ValueError):
    """An authenticated request whose body is not a Bot Framework activity."""


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def tenant_id(activity: dict[str, Any]) -> str:
    """The AAD tenant id (channelData.tenant.id, else conversation.tenantId)."""
    found = as_str(as_dict(as_dict(activity.get("channelData")).get("tenant")).get("id"))
    return found or as_str(as_dict(activity.get("conversation")).get("tenantId"))


def validate(activity: Any) -> dict[str, Any]:
    """The activity when it has what every translation needs, else MalformedActivity."""
    problem = shape.problems(activity)
    if problem is not None or not isinstance(activity, dict):
        raise MalformedActivity(problem or "not a JSON object")
    if not as_str(activity.get("type")):
        raise MalformedActivity("not an activity")
    for name in ("conversation", "from", "recipient"):
        if not as_str(as_dict(activity.get(name)).get("id")):
            raise MalformedActivity(f"missing {name}.id")
    if not as_str(activity.get("serviceUrl")).startswith(("https://", "http://")):
        raise MalformedActivity("missing serviceUrl")
    if not tenant_id(activity):
        raise MalformedActivity("missing tenant id")
    return activity


def client_info(activity: dict[str, Any]) -> dict[str, Any]:
    """The `clientInfo` entity (locale, time zone of the sender's client), if any."""
    for entity in activity.get("entities") or []:
        if as_dict(entity).get("type") == "clientInfo":
            return as_dict(entity)
    return {}


def conversation_kind(activity: dict[str, Any]) -> str:
    """`personal`, `groupChat` or `channel`."""
    return as_str(as_dict(activity.get("conversation")).get("conversationType")) or "personal"


def channel_id(activity: dict[str, Any]) -> str | None:
    """Where public posts go: the channel (not the thread) or group chat; None in a 1:1 chat."""
    kind, conversation = conversation_kind(activity), as_str(activity["conversation"]["id"])
    if kind == "personal":
        return None
    return conversation.split(";messageid=")[0]
