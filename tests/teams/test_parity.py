"""The same kudos behaviour through Slack and through Teams, on one Fivefold, both databases."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest

from tests.conftest import ALICE, BOB, ROBOT, scalar
from tests.slack_requests import SlackSender
from tests.teams.activities import TeamsSender, message
from tests.teams.fake_botframework import FakeBotFramework


class SlackDriver:
    """Kudos and commands as Slack slash commands; replies are the commands' acks."""

    people: ClassVar[dict[str, str]] = {"alice": ALICE, "bob": BOB, "robot": ROBOT}

    def __init__(self, base_url: str) -> None:
        self.sender = SlackSender(base_url)

    def command(self, user: str, text: str, *mentioned: str) -> str:
        word, _, rest = text.partition(" ")
        tags = " ".join(f"<@{self.people[name]}|{name}>" for name in mentioned)
        slash, body = ("/kudos", f"{tags} {rest}") if word == "kudos" else ("/cx", text)
        response = self.sender.command(slash, body, user=self.people[user])
        assert response.status_code == 200, response.text
        return json.dumps(response.json()) if response.content else ""


class TeamsDriver:
    """The same as messages to the bot in a 1:1 chat; replies are what the bot posted back."""

    def __init__(self, base_url: str, fake: FakeBotFramework) -> None:
        self.sender, self.fake = TeamsSender(base_url), fake

    def command(self, user: str, text: str, *mentioned: str) -> str:
        word, _, rest = text.partition(" ")
        tags = " ".join(f"{{{name}}}" for name in mentioned)
        body = message(f"{word} {tags} {rest}", self.fake.url, mentions=mentioned, sender=user)
        before = len(self.fake.activities(f"a:1personal-{user}"))
        assert self.sender.post(body, self.fake.token()).status_code == 200
        replies = self.fake.activities(f"a:1personal-{user}")[before:]
        return json.dumps([reply.body for reply in replies], ensure_ascii=False)


@pytest.fixture(params=["slack", "teams"])
def chat(request: pytest.FixtureRequest, teams_served: Any, bot_framework: FakeBotFramework) -> Iterator[Any]:
    driver = SlackDriver(teams_served.base_url) if request.param == "slack" else TeamsDriver(
        teams_served.base_url, bot_framework
    )
    with driver.sender:
        yield driver


def test_kudos_and_allowance(chat, sql):
    for _ in range(5):
        assert "Kudos sent" in chat.command("alice", "kudos thanks #empathy", "bob")
    refusal = chat.command("alice", "kudos one more #empathy", "bob")
    assert "allowance resets" in refusal
    assert scalar(sql, "select count(*) from kudos") == 5


def test_refusals_change_nothing(chat, sql):
    assert "yourself" in chat.command("alice", "kudos me #empathy", "alice")
    assert "not one of our values" in chat.command("alice", "kudos thanks #nonsense", "bob")
    assert "kudos need a message" in chat.command("alice", "kudos #empathy", "bob")
    assert scalar(sql, "select count(*) from kudos") == 0


def test_stats_leaderboard_and_help(chat, sql):
    chat.command("alice", "kudos thanks #ownership", "bob")
    assert "Your kudos" in chat.command("alice", "stats")
    assert "leaderboard" in chat.command("alice", "leaderboard")
    assert "What Fivefold can do" in chat.command("alice", "help")
    assert "No ambassadors yet" in chat.command("alice", "ambassadors")
