"""Bot Framework activities (already authenticated) translated into neutral interactions.

Pure functions over the activity's JSON: no database, no network. Members are
identified by their Azure AD object id, the id Teams uses in every tenant-wide place
(mentions, people pickers, Graph).
"""

from __future__ import annotations

import hashlib
import html
import re
from typing import Any

from adapters.teams.activity import (
    MalformedActivity,
    as_dict,
    as_str,
    channel_id,
    client_info,
    conversation_kind,
    tenant_id,
    validate,
)
from bot.interactions import Action, Actor, Command, Event, Interaction, Submission

__all__ = [
    "MalformedActivity",
    "conversation_kind",
    "interactions_from_activity",
    "tenant_id",
    "validate",
]

PLATFORM = "teams"
TAG = re.compile(r"<[^>]{0,200}>")
FORM_KEY = "fivefold"
TEAMS_USER_PREFIX = "29:"


def dedupe_key(activity: dict[str, Any], suffix: str = "") -> str | None:
    """The redelivery key: the activity id within its conversation."""
    activity_id = as_str(activity.get("id"))
    if not activity_id:
        return None
    digest = hashlib.sha256(as_str(activity["conversation"]["id"]).encode()).hexdigest()[:16]
    return f"{digest}:{activity_id[:120]}{suffix}"


def actor(activity: dict[str, Any], aad_object_id: str) -> Actor:
    """The neutral actor for `aad_object_id` in the activity's tenant."""
    locale = as_str(activity.get("locale")) or as_str(client_info(activity).get("locale")) or None
    team = as_str(as_dict(as_dict(activity.get("channelData")).get("team")).get("name"))
    return Actor(PLATFORM, tenant_id(activity), aad_object_id, tenant_name=team, locale=locale)


def _mentions(activity: dict[str, Any]) -> tuple[str, list[str]]:
    """The text without any `<at>` mention, and the ids of the people mentioned.

    The bot's own mention is dropped; a person is named by AAD object id when the
    entity carries it, else by Teams user id (`29:…`) for the adapter to resolve.
    """
    text = as_str(activity.get("text"))
    bot_id = as_str(activity["recipient"]["id"])
    found: list[str] = []
    for entity in activity.get("entities") or []:
        entity = as_dict(entity)
        mentioned = as_dict(entity.get("mentioned"))
        if entity.get("type") != "mention" or not mentioned.get("id"):
            continue
        text = text.replace(as_str(entity.get("text")), " ") if entity.get("text") else text
        if mentioned["id"] != bot_id:
            found.append(as_str(mentioned.get("aadObjectId")) or as_str(mentioned["id"]))
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
    value = as_dict(activity.get("value"))
    meta = as_dict(value.get(FORM_KEY))
    if meta.get("form"):
        lists = [name for name in meta.get("lists") or [] if isinstance(name, str)]
        return Submission(
            actor=actor(activity, sender),
            dedupe_key=dedupe_key(activity),
            form_id=as_str(meta["form"]),
            values=_form_values(value, lists),
            state=as_str(meta.get("state")),
        )
    if meta.get("action"):
        return Action(
            actor=actor(activity, sender),
            dedupe_key=dedupe_key(activity),
            action_id=as_str(meta["action"]),
            value=as_str(meta.get("value")),
            channel_id=channel_id(activity),
        )
    return None


def members_joined(activity: dict[str, Any]) -> list[Interaction]:
    """`conversationUpdate` members added (other than the bot) as `member_joined` events."""
    bot_id = as_str(activity["recipient"]["id"])
    joined: list[Interaction] = []
    for member in activity.get("membersAdded") or []:
        member = as_dict(member)
        aad = as_str(member.get("aadObjectId"))
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
    sender = as_str(activity["from"].get("aadObjectId"))
    if not sender:
        return []
    if isinstance(activity.get("value"), dict):
        submitted = from_card_submit(activity, sender)
        return [submitted] if submitted else []
    return [command_from_message(activity, sender)]
