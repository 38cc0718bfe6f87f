"""Messages to the bot in its Slack DM (`message.im`): the same words Teams users write.

`help`, `stats`, `kudos @ana thanks #value`, `cx leaderboard`, … become the same
commands as `/cx …` and `/kudos …`. The bot's own messages, edits, deletions and
other message subtypes are ignored; Slack's retries carry the same `event_id`,
which is the dedupe key.
"""

from __future__ import annotations

from typing import Any

from adapters.slack.inbound import split_mentions
from bot.interactions import Actor, Command

PLATFORM = "slack"
PREFIXES = ("cx", "/cx")


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def command_from_dm(body: dict[str, Any]) -> Command | None:
    """The command a member wrote to the bot in its DM, or None when it is not one."""
    event = body.get("event")
    if not isinstance(event, dict) or event.get("type") != "message":
        return None
    if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
        return None  # group DMs and channels, edits, deletions, joins, bots (ourselves)
    user, team, event_id = _str(event.get("user")), _str(body.get("team_id")), _str(body.get("event_id"))
    if not (user and team and event_id):
        return None
    text, mentions = split_mentions(_str(event.get("text")))
    word, _, rest = text.strip().partition(" ")
    if word.lower() in PREFIXES:
        word, _, rest = rest.strip().partition(" ")
    word = word.lower().lstrip("/")
    return Command(
        actor=Actor(PLATFORM, team, user),
        dedupe_key=f"dm:{event_id}",
        name=word or "help",
        text=rest.strip(),
        mentions=mentions,
        channel_id=None,
    )
