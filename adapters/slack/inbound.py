"""Slack payloads translated into neutral interactions.

Every body here was validated by `adapters.slack.validate` (only its validated fields reach
Bolt and these functions), so the translators read it as it is, without checking again.
"""

from __future__ import annotations

import re
from typing import Any

from bot.interactions import Action, Actor, Command, Event, Interaction, Reaction, Submission
from bot.platform import MemberProfile

PLATFORM = "slack"
USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
CHANNEL_REF = re.compile(r"<#[CGD][A-Z0-9]+\|([^>]*)>")
SPECIAL = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")
SUBTEAM = re.compile(r"<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>")
LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")
DUPLICATE_SUFFIX = re.compile(r"~\d+$")


def unescape(text: str) -> str:
    """Slack's HTML entities back to characters (after the markup was parsed)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def split_mentions(text: str) -> tuple[str, tuple[str, ...]]:
    """Remove `<@U…>` mentions from escaped command text; return the rest and the ids.

    Channel references become `#name` again (so `#value` tags survive Slack's
    escaping), special mentions become inert words, links their plain URL.
    """
    mentions = tuple(dict.fromkeys(USER_MENTION.findall(text)))
    text = USER_MENTION.sub(" ", text)
    text = CHANNEL_REF.sub(lambda match: f"#{match.group(1)}", text)
    text = SPECIAL.sub(lambda match: f"@{match.group(1)}", text)
    text = SUBTEAM.sub(lambda match: match.group(1) or "@group", text)
    text = LINK.sub(lambda match: match.group(1), text)
    return re.sub(r"[ \t]+", " ", unescape(text)).strip(), mentions


def _team_id(body: dict[str, Any]) -> str:
    # the validation (adapters.slack.payloads) guarantees one of these is there
    team = body.get("team")
    if team is not None:
        return str(team["id"])
    return str(body.get("team_id") or body["user"]["team_id"])


def _actor(body: dict[str, Any], user_id: str, locale: str | None = None) -> Actor:
    name = body.get("team_domain") or (body.get("team") or {}).get("domain", "")
    return Actor(PLATFORM, _team_id(body), user_id, tenant_name=name, locale=locale or None)


def command_from_slash(body: dict[str, Any]) -> Command:
    """`/kudos …` becomes the `kudos` command; `/cx word …` becomes the `word` command."""
    slash = body["command"].lstrip("/").lower()
    text, mentions = split_mentions(body.get("text", ""))
    name = slash
    if slash == "cx":
        word, _, rest = text.partition(" ")
        name, text = (word.lower() or "help"), rest.strip()
        if name == "kudos":
            text = rest.strip()
    return Command(
        actor=_actor(body, body["user_id"]), dedupe_key=f"cmd:{body['trigger_id']}",
        name=name, text=text, mentions=mentions, channel_id=body.get("channel_id"),
    )


def action_from_shortcut(body: dict[str, Any]) -> Action:
    """Global and message shortcuts ("Give kudos") become the `kudos.shortcut` action."""
    message = body.get("message") or {}
    user = body["user"]
    return Action(
        actor=_actor(body, user["id"], user.get("locale")),
        dedupe_key=f"shortcut:{body['trigger_id']}",
        action_id="kudos.shortcut",
        channel_id=(body.get("channel") or {}).get("id"),
        message_author_id=message.get("user"),
        message_text=message.get("text"),
    )


def action_from_block_action(body: dict[str, Any]) -> Action:
    """A button press in a message or the home tab."""
    pressed, user = body["actions"][0], body["user"]
    channel = body.get("channel") or {}
    return Action(
        actor=_actor(body, user["id"], user.get("locale")),
        dedupe_key=f"action:{body['trigger_id']}",
        action_id=DUPLICATE_SUFFIX.sub("", pressed["action_id"]),
        value=pressed.get("value") or "",
        channel_id=channel.get("id") or (body.get("container") or {}).get("channel_id"),
    )


def _input_value(element: dict[str, Any]) -> str | list[str]:
    kind = element["type"]
    if kind == "multi_users_select":
        return list(element.get("selected_users") or [])
    if kind == "users_select":
        return [element["selected_user"]] if element.get("selected_user") else []
    if kind == "multi_static_select":
        return [option["value"] for option in element.get("selected_options") or []]
    if kind == "static_select":
        option = element.get("selected_option")
        return option["value"] if option else ""
    return element.get("value") or ""


def submission_from_view(body: dict[str, Any]) -> Submission:
    """A submitted modal: each input block's value keyed by its block id."""
    view = body["view"]
    values: dict[str, str | list[str]] = {}
    for block_id, elements in view["state"]["values"].items():
        for element in elements.values():
            values[block_id] = _input_value(element)
    return Submission(
        actor=_actor(body, body["user"]["id"]),
        dedupe_key=f"view:{view['id']}:{view.get('hash', '')}",
        form_id=view["callback_id"],
        values=values,
        state=view.get("private_metadata", ""),
    )


def interaction_from_event(body: dict[str, Any]) -> Interaction | None:
    """Events API callbacks Fivefold acts on (None for the rest)."""
    event = body["event"]
    kind = event["type"]
    event_id = f"event:{body['event_id']}"
    if kind in ("reaction_added", "reaction_removed"):
        item = event["item"]
        if item["type"] != "message" or not event.get("item_user"):
            return None
        return Reaction(
            actor=_actor(body, event["user"]), dedupe_key=event_id,
            emoji=event["reaction"], added=kind == "reaction_added",
            item_author_id=event["item_user"], channel_id=item.get("channel", ""),
            message_ref=item.get("ts", ""),
        )
    if kind == "app_home_opened" and event.get("tab", "home") == "home":
        return Event(actor=_actor(body, event["user"]), dedupe_key=None, name="home_opened")
    if kind in ("team_join", "user_change"):
        name = "member_joined" if kind == "team_join" else "member_changed"
        return Event(actor=_actor(body, event["user"]["id"]), dedupe_key=event_id, name=name)
    return None


def profile_from_user(user: dict[str, Any]) -> MemberProfile:
    """A `users.info` / `users.list` user object as a neutral profile."""
    profile = user.get("profile") or {}
    return MemberProfile(
        external_id=str(user["id"]),
        display_name=str(profile.get("display_name") or user.get("name") or ""),
        real_name=str(profile.get("real_name") or user.get("real_name") or ""),
        email=profile.get("email"),
        timezone=user.get("tz"),
        locale=user.get("locale"),
        is_bot=bool(user.get("is_bot")) or user.get("id") == "USLACKBOT",
        is_deleted=bool(user.get("deleted")),
        is_admin=bool(user.get("is_admin")) or bool(user.get("is_owner")),
    )
