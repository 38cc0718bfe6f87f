"""The Slack app manifest for a public URL: every scope, command, shortcut and event."""

from __future__ import annotations

from typing import Any

from adapters.slack.app import BOT_SCOPES, DM_EVENT, EVENTS


def slack_manifest(url: str, *, name: str = "Fivefold", oauth: bool = False) -> dict[str, Any]:
    """The manifest to paste at api.slack.com/apps → Create New App → From a manifest."""
    base = url.rstrip("/")
    events_url = f"{base}/slack/events"
    manifest: dict[str, Any] = {
        "display_information": {
            "name": name,
            "description": "Kudos, pulse surveys and CX programmes for the people who serve customers.",
            "background_color": "#1d3b53",
        },
        "features": {
            "app_home": {"home_tab_enabled": True, "messages_tab_enabled": True,
                         "messages_tab_read_only_enabled": False},
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": [
                {"command": "/kudos", "url": events_url, "should_escape": True,
                 "description": "Thank someone in public", "usage_hint": "@name [@name …] message #value"},
                {"command": "/cx", "url": events_url, "should_escape": True,
                 "description": "Fivefold: stats, leaderboard, ambassadors, stories, help",
                 "usage_hint": "help | stats | leaderboard | ambassador | story"},
            ],
            "shortcuts": [
                {"name": "Give kudos", "type": "global", "callback_id": "give_kudos",
                 "description": "Recognise a colleague"},
                {"name": "Give kudos", "type": "message", "callback_id": "give_kudos_message",
                 "description": "Give kudos to this message's author"},
            ],
        },
        "oauth_config": {"scopes": {"bot": BOT_SCOPES}},
        "settings": {
            "event_subscriptions": {"request_url": events_url, "bot_events": [*EVENTS, DM_EVENT]},
            "interactivity": {"is_enabled": True, "request_url": events_url},
            "org_deploy_enabled": False,
            "socket_mode_enabled": False,
            "token_rotation_enabled": False,
        },
    }
    if oauth:
        manifest["oauth_config"]["redirect_urls"] = [f"{base}/slack/oauth_redirect"]
    return manifest
