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


def command_from_dm(body: dict[str, Any]) -> Command | None:
    """The command a member wrote to the bot in its DM, or None when it is not one.

    `body` was validated by `adapters.slack.validate` (an `event_callback` whose event is a
    `MessageEvent`), so only what the message *is* gets checked here, not its shape.
    """
    event = body["event"]
    if event["type"] != "message" or event.get("channel_type") != "im":
        return None  # group DMs and channels
    if event.get("subtype") or event.get("bot_id") or not (event.get("user") and event.get("channel")):
        return None  # edits, deletions, joins, bots (ourselves); nobody, or nowhere, to answer
    text, mentions = split_mentions(event.get("text", ""))
    word, _, rest = text.strip().partition(" ")
    if word.lower() in PREFIXES:
        word, _, rest = rest.strip().partition(" ")
    word = word.lower().lstrip("/")
    return Command(
        actor=Actor(PLATFORM, body["team_id"], event["user"]),
        dedupe_key=f"dm:{body['event_id']}",
        name=word or "help",
        text=rest.strip(),
        mentions=mentions,
        channel_id=None,
    )
