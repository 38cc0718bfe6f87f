"""The Slack manifest against Slack's published manifest schema (v1), and forms with no options.

The limits below are the ones `slackapi/manifest-schema` (schemas/manifest.schema.1.0.0.json)
sets on every field Fivefold emits: allowed keys (`additionalProperties: false`),
string lengths and patterns.
"""

from __future__ import annotations

import re

from adapters.slack.manifest import slack_manifest
from adapters.slack.render import render_modal
from bot.i18n import translator
from programs.reward.views import kudos_form

ALLOWED = {
    (): {"$schema", "_metadata", "app_directory", "display_information", "features", "oauth_config",
         "settings", "functions", "workflows", "datastores", "outgoing_domains", "types",
         "external_auth_providers"},
    ("display_information",): {"name", "description", "background_color", "long_description"},
    ("features",): {"app_home", "bot_user", "functions", "shortcuts", "slash_commands",
                    "workflow_steps", "unfurl_domains", "assistant_view"},
    ("features", "app_home"): {"home_tab_enabled", "messages_tab_enabled", "messages_tab_read_only_enabled"},
    ("features", "bot_user"): {"display_name", "always_online"},
    ("oauth_config",): {"redirect_urls", "scopes", "token_management_enabled", "pkce_enabled"},
    ("oauth_config", "scopes"): {"user", "bot", "user_optional", "bot_optional"},
    ("settings",): {"allowed_ip_address_ranges", "event_subscriptions", "incoming_webhooks",
                    "interactivity", "org_deploy_enabled", "socket_mode_enabled", "is_hosted",
                    "token_rotation_enabled", "siws_links", "hermes_app_type", "function_runtime",
                    "is_mcp_enabled"},
    ("settings", "event_subscriptions"): {"request_url", "user_events", "bot_events", "metadata_subscriptions"},
    ("settings", "interactivity"): {"is_enabled", "request_url", "message_menu_options_url"},
}
URL = re.compile(r"^https?://")


def at(manifest: dict, path: tuple[str, ...]) -> dict:
    for key in path:
        manifest = manifest[key]
    return manifest


def test_manifest_fields_are_what_slacks_schema_allows():
    manifest = slack_manifest("https://five.example.com/", oauth=True)
    for path, allowed in ALLOWED.items():
        assert set(at(manifest, path)) <= allowed, path
    info = manifest["display_information"]
    assert 1 <= len(info["name"]) <= 35 and 1 <= len(info["description"]) <= 140
    assert re.fullmatch(r"#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?", info["background_color"])
    assert 1 <= len(manifest["features"]["bot_user"]["display_name"]) <= 80
    shortcuts = manifest["features"]["shortcuts"]
    assert 1 <= len(shortcuts) <= 10
    for shortcut in shortcuts:
        assert set(shortcut) == {"name", "type", "callback_id", "description"}
        assert len(shortcut["name"]) <= 24 and len(shortcut["description"]) <= 150
        assert shortcut["type"] in ("message", "global") and len(shortcut["callback_id"]) <= 255
    for command in manifest["features"]["slash_commands"]:
        assert set(command) <= {"command", "url", "description", "usage_hint", "should_escape"}
        assert re.match(r"^/", command["command"]) and 2 <= len(command["command"]) <= 32
        assert URL.match(command["url"]) and len(command["usage_hint"]) <= 1000
    scopes = manifest["oauth_config"]["scopes"]["bot"]
    assert len(scopes) == len(set(scopes)) <= 255 and all(len(s) <= 50 for s in scopes)
    events = manifest["settings"]["event_subscriptions"]
    assert URL.match(events["request_url"]) and URL.match(manifest["settings"]["interactivity"]["request_url"])
    bot_events = events["bot_events"]
    assert len(bot_events) == len(set(bot_events)) <= 100 and all(len(e) <= 50 for e in bot_events)


def test_manifest_lets_members_write_to_the_bot():
    manifest = slack_manifest("https://five.example.com/")
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True
    assert "message.im" in manifest["settings"]["event_subscriptions"]["bot_events"]
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"im:history", "mpim:history"} <= scopes  # conversations.history in DMs and group DMs


def test_a_form_without_values_never_renders_an_empty_select():
    for locale, words in (("en", "nothing to choose from"), ("pl", "nie ma z czego"), ("uk", "немає з чого")):
        form = kudos_form(translator(locale), [], receivers=[], state="")
        view = render_modal(form, locale=locale)
        elements = [b.get("element", {}) for b in view["blocks"]]
        assert not [e for e in elements if "static_select" in e.get("type", "") and not e.get("options")]
        notes = [b for b in view["blocks"] if b["type"] == "context"]
        assert len(notes) == 1 and words in notes[0]["elements"][0]["text"]
    with_values = render_modal(kudos_form(translator("en"), ["empathy"], receivers=[], state=""))
    select = next(b["element"] for b in with_values["blocks"] if b.get("block_id") == "values")
    assert select["type"] == "multi_static_select" and select["options"][0]["value"] == "empathy"
