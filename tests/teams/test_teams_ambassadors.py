"""CX ambassadors in Teams, end to end: the form card, reviewer DMs with buttons, outcome and roster."""

from __future__ import annotations

import json

from tests.conftest import scalar, wait_until
from tests.programme.helpers import admin_client
from tests.teams.activities import CHANNEL, PEOPLE, activity, message

BOB_AAD = PEOPLE["bob"]["aadObjectId"]


def _say(teams, bot_framework, text: str, sender: str = "alice") -> None:
    assert teams.post(message(text, bot_framework.url, sender=sender), bot_framework.token()).status_code == 200


def _submit(teams, bot_framework, sender: str, value: dict) -> None:
    body = activity("message", bot_framework.url, sender=sender, value=value)
    assert teams.post(body, bot_framework.token()).status_code == 200


def _posted_with(bot_framework, needle: str) -> list[dict]:
    return [p.body for p in bot_framework.activities() if needle in json.dumps(p.body)]


def test_sign_up_reviewer_approves_twice_applicant_is_welcomed(teams, teams_served, bot_framework, sql, database_url):
    _say(teams, bot_framework, "help", sender="bob")
    with admin_client(teams_served, database_url, platform="teams") as api:
        assert api.put("/settings/programme", json={"reviewers": [BOB_AAD]}).json()["reviewers"] == [BOB_AAD]
    _say(teams, bot_framework, "ambassador")
    form = bot_framework.activities("a:1personal-alice")[-1].body["attachments"][0]["content"]
    submit = form["actions"][0]["data"]
    assert submit["fivefold"]["form"] == "ambassador.form"
    _submit(teams, bot_framework, "alice",
            {**submit, "motivation": "Customers first", "area": "Support", "hours": "4"})
    assert "with the reviewers" in bot_framework.activities("a:1personal-alice")[-1].body["summary"]

    bot_framework.wait_for(lambda: len(_posted_with(bot_framework, "ambassador.approve")) == 1)
    card = _posted_with(bot_framework, "ambassador.approve")[0]["attachments"][0]["content"]
    buttons = [a for element in card["body"] if element["type"] == "ActionSet" for a in element["actions"]]
    approve = next(a["data"] for a in buttons if a["data"]["fivefold"]["action"] == "ambassador.approve")
    _submit(teams, bot_framework, "bob", approve)
    _submit(teams, bot_framework, "bob", approve)
    replies = [p.body["summary"] for p in bot_framework.activities("a:1personal-bob")][-2:]
    assert replies == ["Approved: @Alice is now a CX ambassador.", "@Alice's application was already approved by @Bob."]
    assert scalar(sql, "select status from ambassador") == "approved"
    bot_framework.wait_for(lambda: len(_posted_with(bot_framework, "Welcome, CX ambassador!")) == 1)
    wait_until(lambda: scalar(sql, "select count(*) from delivery where status = 'sent'") == 2)

    _say(teams, bot_framework, "ambassadors", sender="bob")
    roster = json.dumps(bot_framework.activities("a:1personal-bob")[-1].body)
    assert "Support" in roster and "4 hours a month" in roster and "Alice" in roster


def test_story_from_teams_is_approved_and_published_to_the_stories_channel(
    teams, teams_served, bot_framework, sql, database_url,
):
    _say(teams, bot_framework, "help", sender="bob")
    channel_help = message("help", bot_framework.url, sender="bob", channel=True)  # the bot learns the channel
    assert teams.post(channel_help, bot_framework.token()).status_code == 200
    settings = {"reviewers": [BOB_AAD], "stories_channels": [CHANNEL]}
    with admin_client(teams_served, database_url, platform="teams") as api:
        assert api.put("/settings/programme", json=settings).status_code == 200
    _say(teams, bot_framework, "story")
    form = bot_framework.activities("a:1personal-alice")[-1].body["attachments"][0]["content"]
    submit = form["actions"][0]["data"]
    assert submit["fivefold"]["form"] == "story.form"
    _submit(teams, bot_framework, "alice", {
        **submit, "title": "Saved the launch", "situation": "The shop was down", "action": "We rolled back",
        "outcome": "Sales resumed", "value": "ownership", "customer": "", "consent": ""})
    bot_framework.wait_for(lambda: len(_posted_with(bot_framework, "story.approve")) == 1)
    card = _posted_with(bot_framework, "story.approve")[0]["attachments"][0]["content"]
    buttons = [a for element in card["body"] if element["type"] == "ActionSet" for a in element["actions"]]
    approve = next(a["data"] for a in buttons if a["data"]["fivefold"]["action"] == "story.approve")
    _submit(teams, bot_framework, "bob", approve)
    assert "is published" in bot_framework.activities("a:1personal-bob")[-1].body["summary"]
    bot_framework.wait_for(lambda: len(_posted_with(bot_framework, "Customer story: Saved the launch")) == 1)
    published = _posted_with(bot_framework, "Customer story: Saved the launch")[0]
    assert published["conversation"]["id"].startswith(CHANNEL) and "Shared by <at>Alice</at> · #ownership" in json.dumps(
        published, ensure_ascii=False)
    assert scalar(sql, "select status from story") == "approved"
