"""Pure translators: neutral messages → Block Kit (golden files), Slack text → commands."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from adapters.slack.inbound import command_from_slash, split_mentions
from adapters.slack.manifest import slack_manifest
from adapters.slack.render import escape_mrkdwn, mrkdwn, render_message, render_modal
from bot.i18n import translator
from bot.messages import Mention, Plain, compose
from bot.models import Member
from programs.reward.cards import public_card
from programs.reward.parse import parse_kudos_text
from programs.reward.views import kudos_form
from tests.golden import as_json, assert_golden

FIXTURES = Path(__file__).parent / "fixtures" / "slack"


def golden(name: str, value: object) -> None:
    assert_golden(FIXTURES / f"{name}.json", as_json(value, sort_keys=True))


def member(ext: str, name: str) -> Member:
    return Member(tenant_id=1, external_id=ext, display_name=name)


def test_public_card_golden():
    card = public_card(translator("en"), member("U1", "Ann"), [member("U2", "Bo"), member("U3", "Cy")],
                       "shipped <b>it</b> & more <!channel>", ["ownership"])
    golden("public_card_en", render_message(card))


def test_kudos_form_golden():
    form = kudos_form(translator("pl"), ["customer-first", "empathy"], receivers=["U2"], state="C1")
    golden("kudos_form_pl", render_modal(form))


@given(st.text())
def test_escaped_user_text_never_contains_slack_markup(text):
    rendered = mrkdwn([Plain(text=text)], limit=10**9)
    assert "<" not in rendered and ">" not in rendered
    assert rendered.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == text


def test_mentions_render_and_escape():
    spans = compose("{who} said {what}", who=Mention(external_id="U9", name="Zed"), what="<@U1> & <!here>")
    assert mrkdwn(spans) == "<@U9> said &lt;@U1&gt; &amp; &lt;!here&gt;"
    assert escape_mrkdwn("a<b>c&") == "a&lt;b&gt;c&amp;"


def test_split_mentions_from_escaped_command_text():
    text, mentions = split_mentions("<@U1|ann> <@W2> thanks for <#C9|customer-first> &amp; more <!here> <https://x.io|x>")
    assert mentions == ("U1", "W2")
    assert text == "thanks for #customer-first & more @here https://x.io"


def test_cx_subcommands_become_commands():
    body = {"command": "/cx", "text": "  Leaderboard  ", "user_id": "U1", "team_id": "T1", "trigger_id": "t"}
    command = command_from_slash(body)
    assert (command.name, command.text) == ("leaderboard", "")
    assert command_from_slash({**body, "text": ""}).name == "help"


def test_parse_kudos_text():
    parsed = parse_kudos_text("great call with ACME #Customer-First #empathy #empathy")
    assert parsed.values == ("customer-first", "empathy")
    assert parsed.message == "great call with ACME"
    assert parse_kudos_text("issue&#35;12 fixed").values == ()


def test_manifest_has_every_entry_point():
    manifest = slack_manifest("https://five.example.com/", oauth=True)
    commands = {c["command"]: c for c in manifest["features"]["slash_commands"]}
    assert set(commands) == {"/kudos", "/cx"}
    assert all(c["should_escape"] and c["url"] == "https://five.example.com/slack/events" for c in commands.values())
    assert {s["type"] for s in manifest["features"]["shortcuts"]} == {"global", "message"}
    settings = manifest["settings"]
    assert settings["interactivity"]["request_url"] == "https://five.example.com/slack/events"
    assert {"reaction_added", "reaction_removed", "app_home_opened", "team_join"} <= set(settings["event_subscriptions"]["bot_events"])
    assert {"commands", "chat:write", "users:read", "reactions:read"} <= set(manifest["oauth_config"]["scopes"]["bot"])
    assert manifest["oauth_config"]["redirect_urls"] == ["https://five.example.com/slack/oauth_redirect"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
