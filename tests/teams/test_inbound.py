"""Real-shaped Teams activities (tests/fixtures/teams/activities) → neutral interactions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from adapters.teams import inbound, references
from bot.interactions import Command, Event, Submission

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "teams" / "activities"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
ALICE, BOB = "a1a1a1a1-0000-4000-8000-000000000001", "b2b2b2b2-0000-4000-8000-000000000002"


def load(name: str) -> dict[str, Any]:
    return inbound.validate(json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8")))


def test_channel_kudos_strips_the_bot_and_resolves_mentions():
    (command,) = inbound.interactions_from_activity(load("channel_kudos"))
    assert isinstance(command, Command)
    assert command.name == "kudos"
    assert command.text == "& thanks for saving the launch #Customer-First #empathy"
    assert command.mentions == (BOB, "29:1carolXYZ")  # Carol's entity has no AAD id: resolved later
    assert command.channel_id == "19:abc123@thread.tacv2"
    assert command.actor.member_external_id == ALICE
    assert command.actor.tenant_external_id == TENANT
    assert command.actor.locale == "pl-PL"
    assert command.dedupe_key is not None
    assert command.dedupe_key.endswith(":1763889121123")


def test_personal_cx_prefix_and_client_info():
    activity = load("personal_stats")
    (command,) = inbound.interactions_from_activity(activity)
    assert isinstance(command, Command)
    assert (command.name, command.text, command.channel_id) == ("stats", "", None)
    (account,) = references.accounts_from_activity(activity)
    assert (account.aad_object_id, account.timezone, account.locale) == (
        ALICE,
        "Europe/Kyiv",
        "uk-UA",
    )
    conversation = references.conversation_from_activity(activity)
    assert (conversation.kind, conversation.member_id) == ("personal", ALICE)
    assert conversation.reference["serviceUrl"] == "https://smba.trafficmanager.net/emea/"


def test_card_submit_is_a_submission_with_lists_split():
    (submission,) = inbound.interactions_from_activity(load("card_submit"))
    assert isinstance(submission, Submission)
    assert submission.form_id == "kudos.form"
    assert submission.state == "19:abc123@thread.tacv2"
    assert submission.values["kudos_members"] == [BOB, "c3c3c3c3-0000-4000-8000-000000000003"]
    assert submission.values["values"] == ["empathy"]
    assert submission.values["message"] == "Handled the outage calmly"


def test_members_added_join_but_the_bot_does_not():
    activity = load("members_added")
    (event,) = inbound.interactions_from_activity(activity)
    assert isinstance(event, Event)
    assert event.name == "member_joined"
    assert event.actor.member_external_id == "d4d4d4d4-0000-4000-8000-000000000004"
    conversation = references.conversation_from_activity(activity)
    assert (conversation.conversation_id, conversation.kind) == ("19:team@thread.tacv2", "channel")


@pytest.mark.parametrize(
    "broken",
    [
        [],
        {"type": "message"},
        {
            "type": "message",
            "conversation": {"id": "x"},
            "from": {"id": "y"},
            "recipient": {"id": "z"},
            "serviceUrl": "ftp://nope",
        },
    ],
)
def test_malformed_activities_are_refused(broken):
    with pytest.raises(inbound.MalformedActivity):
        inbound.validate(broken)
