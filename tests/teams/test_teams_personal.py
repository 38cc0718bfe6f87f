"""The "Give kudos" message action and the personal Home card, end to end over invokes."""

from __future__ import annotations

from tests.conftest import scalar
from tests.teams.activities import PEOPLE, activity, message
from tests.teams.test_teams_end_to_end import card_text


def message_payload(author: str) -> dict:
    """The `messagePayload` Teams sends with a message action (the author by AAD id)."""
    person = PEOPLE[author]
    user = {"id": person["aadObjectId"], "displayName": person["name"], "userIdentityType": "aadUser"}
    return {
        "id": "1700000000555",
        "body": {"contentType": "html", "content": "<p>I fixed the refund for the customer</p>"},
        "from": {"user": user},
    }


def invoke(bot_framework, name: str, value: dict, **extra) -> dict:
    return activity("invoke", bot_framework.url, name=name, value=value, channel=True, **extra)


def test_message_action_opens_a_prefilled_form_and_gives_kudos(teams, bot_framework, sql):
    fetch = invoke(
        bot_framework,
        "composeExtension/fetchTask",
        {"commandId": "giveKudos", "commandContext": "message", "messagePayload": message_payload("bob")},
    )
    response = teams.post(fetch, bot_framework.token())
    assert response.status_code == 200, response.text
    task = response.json()["task"]
    assert task["type"] == "continue"
    form = task["value"]["card"]["content"]
    picker = next(e for e in form["body"] if e.get("id") == "kudos_members")
    bob = PEOPLE["bob"]["aadObjectId"]
    assert picker["value"] == bob
    assert picker["choices"] == [{"title": "Bob", "value": bob}]  # shown by name
    data = {**form["actions"][0]["data"], "kudos_members": bob, "message": "Saved the refund"}
    submit = invoke(
        bot_framework,
        "composeExtension/submitAction",
        {"commandId": "giveKudos", "commandContext": "message", "data": data},
    )
    answer = teams.post(submit, bot_framework.token())
    assert answer.status_code == 200, answer.text
    assert answer.json()["task"]["type"] == "message"
    assert "Kudos sent" in answer.json()["task"]["value"]
    receiver = "select m.external_id from kudos k join member m on m.id = k.receiver_id"
    assert scalar(sql, receiver) == bob
    assert scalar(sql, "select message from kudos") == "Saved the refund"
    # the same submission redelivered counts once
    assert teams.post(submit, bot_framework.token()).status_code == 200
    assert scalar(sql, "select count(*) from kudos") == 1


def test_message_action_on_own_message_opens_an_empty_form(teams, bot_framework):
    fetch = invoke(
        bot_framework,
        "composeExtension/fetchTask",
        {"commandId": "giveKudos", "messagePayload": message_payload("alice")},
    )
    form = teams.post(fetch, bot_framework.token()).json()["task"]["value"]["card"]["content"]
    picker = next(e for e in form["body"] if e.get("id") == "kudos_members")
    assert picker["value"] == "" and picker["choices"] == []


def test_personal_install_posts_a_home_card_that_refreshes(teams, bot_framework, sql):
    install = activity("installationUpdate", bot_framework.url, sender="alice", action="add")
    assert teams.post(install, bot_framework.token()).status_code == 200
    (home,) = bot_framework.activities("a:1personal-alice")
    card = home.body["attachments"][0]["content"]
    assert card["refresh"]["action"]["verb"] == "home.refresh"
    assert card["refresh"]["userIds"] == [PEOPLE["alice"]["id"]]
    assert "5 kudos left to give today" in card_text(home)
    kudos = message("kudos {bob} thanks #empathy", bot_framework.url, mentions=("bob",))
    assert teams.post(kudos, bot_framework.token()).status_code == 200
    refresh = activity(
        "invoke",
        bot_framework.url,
        name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "verb": "home.refresh"}, "trigger": "automatic"},
    )
    response = teams.post(refresh, bot_framework.token())
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["statusCode"] == 200
    assert answer["type"] == "application/vnd.microsoft.card.adaptive"
    texts = " ".join(str(e.get("text", "")) for e in answer["value"]["body"])
    assert "4 kudos left to give today" in texts
    facts = next(e for e in answer["value"]["body"] if e["type"] == "FactSet")["facts"]
    assert facts[0]["value"].startswith("1 in all")
