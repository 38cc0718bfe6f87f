"""Captured, real-shaped Slack payloads (tests/fixtures/slack/payloads) → one validation → neutral interactions.

Each fixture is what Slack sends (a slash command's form fields, an Events API callback, an
interactivity payload), with the fields Fivefold never reads left in. A body goes through
`check_body` exactly as `POST /slack/events` does, then through the pure translator.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from adapters.slack import dm, inbound
from adapters.slack.validate import check_body
from bot.interactions import Action, Command, Event, Reaction, Submission

FIXTURES = Path(__file__).parent / "fixtures" / "slack" / "payloads"
FORM = "application/x-www-form-urlencoded"
TEAM, ANN, BOB, CAROL = "T061EG9R6", "U061F7AUR", "U0M4RL1NY", "U0G9QF9C6"


def fixture(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


def wire(name: str) -> tuple[bytes, str]:
    """The fixture as Slack puts it on the wire: its body and content type."""
    payload = fixture(name)
    if name.startswith("slash_command"):
        return urlencode(payload).encode(), FORM
    if name.startswith("event"):
        return json.dumps(payload).encode(), "application/json"
    return urlencode({"payload": json.dumps(payload)}).encode(), FORM


def validated(name: str) -> dict[str, Any]:
    """The body Bolt and the translators see: the fixture after the one validation."""
    checked = check_body(*wire(name))
    assert checked.body is not None, f"{name} was refused or found malformed: {checked}"
    return checked.body


def test_every_fixture_passes_the_validation_and_keeps_what_is_read():
    names = sorted(path.stem for path in FIXTURES.glob("*.json"))
    assert len(names) >= 12
    for name in names:
        body = validated(name)
        assert "token" not in body  # fields Fivefold never reads do not travel on


def test_slash_kudos_with_escaped_mentions_channels_and_entities():
    command = inbound.command_from_slash(validated("slash_command_kudos"))
    assert isinstance(command, Command)
    assert (command.name, command.mentions, command.channel_id) == ("kudos", (BOB, CAROL), "C061EG9SL")
    assert command.text == "thanks for calming the Kowalski account & fixing <checkout> #customer-first #empathy @channel"
    assert (command.actor.platform, command.actor.tenant_external_id) == ("slack", TEAM)
    assert (command.actor.member_external_id, command.actor.tenant_name) == (ANN, "northwind")
    assert command.dedupe_key == "cmd:13345224609.738474920.8088930838d88f008e0"


def test_slash_cx_word_is_the_command_lowercased():
    command = inbound.command_from_slash(validated("slash_command_cx"))
    assert (command.name, command.text, command.mentions) == ("leaderboard", "this month", ())
    assert command.channel_id == "D0LAN2Q65"


def test_reaction_added_names_the_messages_author():
    reaction = inbound.interaction_from_event(validated("event_reaction_added"))
    assert isinstance(reaction, Reaction)
    assert (reaction.emoji, reaction.added, reaction.item_author_id) == ("raised_hands", True, BOB)
    assert (reaction.channel_id, reaction.message_ref) == ("C061EG9SL", "1764842400.000200")
    assert reaction.actor.member_external_id == ANN
    assert reaction.dedupe_key == "event:Ev0842NSR1TE"
    assert reaction.mentioned == (BOB,)


def test_reaction_removed_and_reactions_to_files_or_unknown_authors():
    body = fixture("event_reaction_added")
    body["event"]["type"] = "reaction_removed"
    removed = inbound.interaction_from_event(check_body(json.dumps(body).encode(), "application/json").body or {})
    assert isinstance(removed, Reaction)
    assert not removed.added
    del body["event"]["item_user"]
    assert inbound.interaction_from_event(check_body(json.dumps(body).encode(), "application/json").body or {}) is None


def test_app_home_opened_is_the_home_opened_event_without_dedupe():
    event = inbound.interaction_from_event(validated("event_app_home_opened"))
    assert isinstance(event, Event)
    assert (event.name, event.dedupe_key, event.actor.member_external_id) == ("home_opened", None, ANN)
    body = fixture("event_app_home_opened")
    body["event"]["tab"] = "messages"  # the Messages tab: nothing to publish
    assert inbound.interaction_from_event(check_body(json.dumps(body).encode(), "application/json").body or {}) is None


def test_team_join_is_member_joined_keyed_by_event_id():
    event = inbound.interaction_from_event(validated("event_team_join"))
    assert isinstance(event, Event)
    assert (event.name, event.actor.member_external_id, event.actor.tenant_external_id) == (
        "member_joined", "U0NEWJ0IN", TEAM,
    )
    assert event.dedupe_key == "event:Ev0842JOIN01"


def test_message_im_is_a_command_as_typed_in_the_dm():
    body = validated("event_message_im")
    assert inbound.interaction_from_event(body) is None  # the DM listener handles it, not the event one
    command = dm.command_from_dm(body)
    assert isinstance(command, Command)
    assert (command.name, command.mentions, command.channel_id) == ("kudos", (BOB,), None)
    assert command.text == "thanks for the demo & the notes #ownership"
    assert (command.dedupe_key, command.actor.member_external_id) == ("dm:Ev0842DMSG01", ANN)


@pytest.mark.parametrize("change", [
    {"subtype": "message_changed"}, {"bot_id": "B0BOTF5F0"}, {"channel_type": "mpim"}, {"user": None}, {"channel": None},
])
def test_edits_bots_group_dms_and_unanswerable_messages_are_not_commands(change):
    body = fixture("event_message_im")
    body["event"].update(change)
    body["event"] = {key: value for key, value in body["event"].items() if value is not None}
    checked = check_body(json.dumps(body).encode(), "application/json")
    assert checked.body is not None
    assert dm.command_from_dm(checked.body) is None


def test_block_action_in_a_dm_message_drops_slacks_duplicate_suffix():
    action = inbound.action_from_block_action(validated("block_actions"))
    assert isinstance(action, Action)
    assert (action.action_id, action.value, action.channel_id) == ("survey.answer", "17:9", "D0LAN2Q65")
    assert action.dedupe_key == "action:8088930838.738474920.d8c1bb837935619ccad0f624c448ffb3"
    assert (action.actor.member_external_id, action.actor.tenant_name) == (ANN, "northwind")


def test_block_action_in_the_home_tab_has_no_channel():
    action = inbound.action_from_block_action(validated("block_actions_home"))
    assert (action.action_id, action.value, action.channel_id) == ("kudos.open_form", "", None)


def test_view_submission_of_the_kudos_form():
    submission = inbound.submission_from_view(validated("view_submission"))
    assert isinstance(submission, Submission)
    assert (submission.form_id, submission.state) == ("kudos.form", "C061EG9SL")
    assert submission.values == {
        "kudos_members": [BOB, CAROL], "message": "Handled the outage calmly <!here>", "values": ["empathy"],
    }
    assert submission.mentioned == (BOB, CAROL)
    assert submission.dedupe_key == "view:V0KUD0S001:1764843000.Qm4vN8pR"


def test_view_submission_with_single_selects_and_empty_optional_inputs():
    submission = inbound.submission_from_view(validated("view_submission_choices"))
    assert (submission.form_id, submission.state, submission.actor.member_external_id) == ("survey.form", "17", CAROL)
    assert submission.values == {"q1": "4", "q2": "", "q3": "", "mentor": [BOB]}


def test_message_shortcut_carries_the_message_and_its_author():
    action = inbound.action_from_shortcut(validated("message_action"))
    assert (action.action_id, action.channel_id, action.message_author_id) == ("kudos.shortcut", "C061EG9SL", BOB)
    assert action.message_text == "Closed the Kowalski ticket: refund sent &amp; apology call done"
    assert action.dedupe_key == "shortcut:8088930842.738474920.6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d"


def test_global_shortcut_has_no_channel_or_message():
    action = inbound.action_from_shortcut(validated("shortcut"))
    assert (action.action_id, action.channel_id, action.message_author_id, action.message_text) == (
        "kudos.shortcut", None, None, None,
    )
    assert (action.actor.member_external_id, action.actor.tenant_external_id) == (ANN, TEAM)


def test_a_fixture_with_a_wrong_type_is_malformed_not_translated():
    body = fixture("block_actions")
    body["actions"][0]["value"] = 9  # strict: a number is not Slack's string value
    assert check_body(urlencode({"payload": json.dumps(body)}).encode(), FORM).malformed
