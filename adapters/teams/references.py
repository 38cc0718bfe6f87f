"""What an activity shows about people and conversations (stored for proactive messages)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adapters.teams.activity import (
    as_dict,
    as_str,
    channel_id,
    client_info,
    conversation_kind,
    tenant_id,
)


@dataclass(frozen=True)
class Account:
    """A person the activity (or the connector) shows: AAD object id, Teams user id, and more."""

    aad_object_id: str
    user_id: str
    name: str = ""
    locale: str | None = None
    timezone: str | None = None
    email: str | None = None
    user_principal_name: str | None = None


def account_from_member(member: dict[str, Any]) -> Account | None:
    """A connector member (`TeamsChannelAccount` JSON) as an Account; None without both ids."""
    aad, user_id = as_str(member.get("aadObjectId")), as_str(member.get("id"))
    if not aad or not user_id:
        return None
    return Account(
        aad,
        user_id,
        as_str(member.get("name")) or as_str(member.get("givenName")),
        email=as_str(member.get("email")) or None,
        user_principal_name=as_str(member.get("userPrincipalName")) or None,
    )


@dataclass(frozen=True)
class Conversation:
    """Where the activity happened, with the reference proactive messages continue."""

    conversation_id: str
    kind: str
    service_url: str
    member_id: str | None
    reference: dict[str, Any]


def accounts_from_activity(activity: dict[str, Any]) -> list[Account]:
    """The people the activity shows (sender, members added, people mentioned)."""
    info = client_info(activity)
    sender = as_dict(activity.get("from"))
    accounts: list[Account] = []
    if sender.get("aadObjectId"):
        accounts.append(
            Account(
                as_str(sender["aadObjectId"]),
                as_str(sender["id"]),
                as_str(sender.get("name")),
                locale=as_str(activity.get("locale")) or as_str(info.get("locale")) or None,
                timezone=as_str(info.get("timezone")) or None,
            )
        )
    others = [as_dict(m) for m in activity.get("membersAdded") or []]
    others += [
        as_dict(as_dict(e).get("mentioned"))
        for e in activity.get("entities") or []
        if as_dict(e).get("type") == "mention"
    ]
    for person in others:
        if person.get("aadObjectId") and person.get("id"):
            accounts.append(
                Account(
                    as_str(person["aadObjectId"]), as_str(person["id"]), as_str(person.get("name"))
                )
            )
    return accounts


def conversation_from_activity(activity: dict[str, Any]) -> Conversation:
    """The activity's conversation and its reference (the Bot Framework's camelCase shape)."""
    conversation = dict(as_dict(activity.get("conversation")))
    kind = conversation_kind(activity)
    conversation["id"] = channel_id(activity) or conversation["id"]
    conversation.setdefault("tenantId", tenant_id(activity))
    group = as_str(as_dict(as_dict(activity.get("channelData")).get("team")).get("aadGroupId"))
    if kind == "channel" and group:  # Graph names a channel's team by its group id
        conversation["aadGroupId"] = group
    reference = {
        "user": activity.get("from"),
        "bot": activity.get("recipient"),
        "conversation": conversation,
        "channelId": activity.get("channelId") or "msteams",
        "serviceUrl": activity["serviceUrl"],
        "locale": activity.get("locale"),
    }
    member = as_str(as_dict(activity.get("from")).get("aadObjectId")) if kind == "personal" else ""
    return Conversation(
        as_str(conversation["id"]), kind, as_str(activity["serviceUrl"]), member or None, reference
    )


def uninstalled(activity: dict[str, Any]) -> bool:
    """True for `installationUpdate` with action `remove` (the bot can no longer write there)."""
    return activity.get("type") == "installationUpdate" and as_str(
        activity.get("action")
    ).startswith("remove")


def installed_by(activity: dict[str, Any]) -> str | None:
    """The AAD object id of a member who just installed the app personally, else None.

    Teams sends `installationUpdate` (action `add`) and a `conversationUpdate` adding
    the bot to the 1:1 chat; either means the bot can now write to that member.
    """
    if conversation_kind(activity) != "personal":
        return None
    kind, bot_id = activity.get("type"), as_str(as_dict(activity.get("recipient")).get("id"))
    added = kind == "installationUpdate" and as_str(activity.get("action")).startswith("add")
    added = added or (
        kind == "conversationUpdate"
        and any(as_dict(m).get("id") == bot_id for m in activity.get("membersAdded") or [])
    )
    return as_str(as_dict(activity.get("from")).get("aadObjectId")) or None if added else None
