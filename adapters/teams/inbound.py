"""Bot Framework activities (already authenticated) translated into neutral interactions.

Pure functions over the activity's JSON: no database, no network. Members are
identified by their Azure AD object id, the id Teams uses in every tenant-wide place
(mentions, people pickers, Graph).
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from typing import Any

from bot.interactions import Action, Actor, Command, Event, Interaction, Submission

PLATFORM = "teams"
TAG = re.compile(r"<[^>]{0,200}>")
FORM_KEY = "fivefold"
TEAMS_USER_PREFIX = "29:"


class MalformedActivity(ValueError):
    """An authenticated request whose body is not a Bot Framework activity."""


@dataclass(frozen=True)
class Account:
    """A person the activity shows: AAD object id, Teams user id and what else it says."""

    aad_object_id: str
    user_id: str
    name: str = ""
    locale: str | None = None
    timezone: str | None = None


@dataclass(frozen=True)
class Conversation:
    """Where the activity happened, with the reference proactive messages continue."""

    conversation_id: str
    kind: str
    service_url: str
    member_id: str | None
    reference: dict[str, Any]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def tenant_id(activity: dict[str, Any]) -> str:
    """The AAD tenant id (channelData.tenant.id, else conversation.tenantId)."""
    found = _str(_dict(_dict(activity.get("channelData")).get("tenant")).get("id"))
    return found or _str(_dict(activity.get("conversation")).get("tenantId"))


def validate(activity: Any) -> dict[str, Any]:
    """The activity when it has what every translation needs, else MalformedActivity."""
    if not isinstance(activity, dict) or not _str(activity.get("type")):
        raise MalformedActivity("not an activity")
    for name in ("conversation", "from", "recipient"):
        if not _str(_dict(activity.get(name)).get("id")):
            raise MalformedActivity(f"missing {name}.id")
    if not _str(activity.get("serviceUrl")).startswith(("https://", "http://")):
        raise MalformedActivity("missing serviceUrl")
    if not tenant_id(activity):
        raise MalformedActivity("missing tenant id")
    return activity


def client_info(activity: dict[str, Any]) -> dict[str, Any]:
    """The `clientInfo` entity (locale, time zone of the sender's client), if any."""
    for entity in activity.get("entities") or []:
        if _dict(entity).get("type") == "clientInfo":
            return _dict(entity)
    return {}


def conversation_kind(activity: dict[str, Any]) -> str:
    """`personal`, `groupChat` or `channel`."""
    return _str(_dict(activity.get("conversation")).get("conversationType")) or "personal"


def channel_id(activity: dict[str, Any]) -> str | None:
    """Where public posts go: the channel (not the thread) or group chat; None in a 1:1 chat."""
    kind, conversation = conversation_kind(activity), _str(activity["conversation"]["id"])
    if kind == "personal":
        return None
    return conversation.split(";messageid=")[0]


def dedupe_key(activity: dict[str, Any], suffix: str = "") -> str | None:
    """The redelivery key: the activity id within its conversation."""
    activity_id = _str(activity.get("id"))
    if not activity_id:
        return None
    digest = hashlib.sha256(_str(activity["conversation"]["id"]).encode()).hexdigest()[:16]
    return f"{digest}:{activity_id[:120]}{suffix}"


def actor(activity: dict[str, Any], aad_object_id: str) -> Actor:
    """The neutral actor for `aad_object_id` in the activity's tenant."""
    locale = _str(activity.get("locale")) or _str(client_info(activity).get("locale")) or None
    team = _str(_dict(_dict(activity.get("channelData")).get("team")).get("name"))
    return Actor(PLATFORM, tenant_id(activity), aad_object_id, tenant_name=team, locale=locale)


def _mentions(activity: dict[str, Any]) -> tuple[str, list[str]]:
    """The text without any `<at>` mention, and the ids of the people mentioned.

    The bot's own mention is dropped; a person is named by AAD object id when the
    entity carries it, else by Teams user id (`29:…`) for the adapter to resolve.
    """
    text = _str(activity.get("text"))
    bot_id = _str(activity["recipient"]["id"])
    found: list[str] = []
    for entity in activity.get("entities") or []:
        entity = _dict(entity)
        mentioned = _dict(entity.get("mentioned"))
        if entity.get("type") != "mention" or not mentioned.get("id"):
            continue
        text = text.replace(_str(entity.get("text")), " ") if entity.get("text") else text
        if mentioned["id"] != bot_id:
            found.append(_str(mentioned.get("aadObjectId")) or _str(mentioned["id"]))
    return text, list(dict.fromkeys(found))


def clean_text(text: str) -> str:
    """Teams message text as plain words: markup removed, entities decoded."""
    text = TAG.sub(" ", text.replace("<br>", "\n").replace("</p>", "\n"))
    return re.sub(r"[ \t\u00a0]+", " ", html.unescape(text)).strip()


def command_from_message(activity: dict[str, Any], sender: str) -> Command:
    """`kudos @Alice great job #value`, `@Fivefold stats`, `cx help`, … as a Command."""
    raw, mentions = _mentions(activity)
    text = clean_text(raw)
    word, _, rest = text.partition(" ")
    if word.lower() in ("cx", "/cx", "/kudos"):
        word, rest = (
            ("kudos", rest) if word.lower() == "/kudos" else rest.strip().partition(" ")[::2]
        )
    return Command(
        actor=actor(activity, sender),
        dedupe_key=dedupe_key(activity),
        name=word.lower().lstrip("/") or "help",
        text=rest.strip(),
        mentions=tuple(mentions),
        channel_id=channel_id(activity),
    )


def _form_values(value: dict[str, Any], lists: list[str]) -> dict[str, str | list[str]]:
    values: dict[str, str | list[str]] = {}
    for key, item in value.items():
        if key == FORM_KEY:
            continue
        text = item if isinstance(item, str) else ("" if item is None else str(item))
        values[key] = [part for part in text.split(",") if part] if key in lists else text
    return values


def from_card_submit(activity: dict[str, Any], sender: str) -> Interaction | None:
    """An `Action.Submit` of one of our cards: a form Submission or a button Action."""
    value = _dict(activity.get("value"))
    meta = _dict(value.get(FORM_KEY))
    if meta.get("form"):
        lists = [name for name in meta.get("lists") or [] if isinstance(name, str)]
        return Submission(
            actor=actor(activity, sender),
            dedupe_key=dedupe_key(activity),
            form_id=_str(meta["form"]),
            values=_form_values(value, lists),
            state=_str(meta.get("state")),
        )
    if meta.get("action"):
        return Action(
            actor=actor(activity, sender),
            dedupe_key=dedupe_key(activity),
            action_id=_str(meta["action"]),
            value=_str(meta.get("value")),
            channel_id=channel_id(activity),
        )
    return None


def members_joined(activity: dict[str, Any]) -> list[Interaction]:
    """`conversationUpdate` members added (other than the bot) as `member_joined` events."""
    bot_id = _str(activity["recipient"]["id"])
    joined: list[Interaction] = []
    for member in activity.get("membersAdded") or []:
        member = _dict(member)
        aad = _str(member.get("aadObjectId"))
        if member.get("id") != bot_id and aad:
            key = dedupe_key(activity, f":{aad}")
            joined.append(Event(actor=actor(activity, aad), dedupe_key=key, name="member_joined"))
    return joined


def interactions_from_activity(activity: dict[str, Any]) -> list[Interaction]:
    """Everything the engine should handle for one (validated) activity."""
    kind = activity["type"]
    if kind == "conversationUpdate":
        return members_joined(activity)
    if kind != "message":
        return []
    sender = _str(activity["from"].get("aadObjectId"))
    if not sender:
        return []
    if isinstance(activity.get("value"), dict):
        submitted = from_card_submit(activity, sender)
        return [submitted] if submitted else []
    return [command_from_message(activity, sender)]


def accounts_from_activity(activity: dict[str, Any]) -> list[Account]:
    """The people the activity shows (sender, members added, people mentioned)."""
    info = client_info(activity)
    sender = _dict(activity.get("from"))
    accounts: list[Account] = []
    if sender.get("aadObjectId"):
        accounts.append(
            Account(
                _str(sender["aadObjectId"]),
                _str(sender["id"]),
                _str(sender.get("name")),
                locale=_str(activity.get("locale")) or _str(info.get("locale")) or None,
                timezone=_str(info.get("timezone")) or None,
            )
        )
    others = [_dict(m) for m in activity.get("membersAdded") or []]
    others += [
        _dict(_dict(e).get("mentioned"))
        for e in activity.get("entities") or []
        if _dict(e).get("type") == "mention"
    ]
    for person in others:
        if person.get("aadObjectId") and person.get("id"):
            accounts.append(
                Account(_str(person["aadObjectId"]), _str(person["id"]), _str(person.get("name")))
            )
    return accounts


def conversation_from_activity(activity: dict[str, Any]) -> Conversation:
    """The activity's conversation and its reference (the Bot Framework's camelCase shape)."""
    conversation = dict(_dict(activity.get("conversation")))
    kind = conversation_kind(activity)
    conversation["id"] = channel_id(activity) or conversation["id"]
    conversation.setdefault("tenantId", tenant_id(activity))
    reference = {
        "user": activity.get("from"),
        "bot": activity.get("recipient"),
        "conversation": conversation,
        "channelId": activity.get("channelId") or "msteams",
        "serviceUrl": activity["serviceUrl"],
        "locale": activity.get("locale"),
    }
    member = _str(_dict(activity.get("from")).get("aadObjectId")) if kind == "personal" else ""
    return Conversation(
        _str(conversation["id"]), kind, _str(activity["serviceUrl"]), member or None, reference
    )
