"""Members Teams tells the bot about through the connector: names, created chats, installs."""

from __future__ import annotations

from tests.conftest import scalar, wait_until
from tests.teams.activities import PEOPLE, TENANT, activity, connector_member, mention, message
from tests.teams.test_teams_end_to_end import card_text

OKSANA = PEOPLE["oksana"]


def kudos_to_oksana(bot_framework, text="kudos {oksana} dziękuję za pomoc #empathy"):
    """A kudos from Alice whose mention carries only the Teams user id, as Teams sends it."""
    body = message(text, bot_framework.url)
    body["entities"].append(mention(OKSANA, with_aad=False))
    return body


def test_kudos_to_someone_who_never_wrote_shows_her_name_and_reaches_her(
    teams, bot_framework, sql
):
    bot_framework.members[OKSANA["id"]] = connector_member(OKSANA)
    response = teams.post(kudos_to_oksana(bot_framework), bot_framework.token())
    assert response.status_code == 200, response.text
    receipt = bot_framework.activities("a:1personal-alice")[0].body
    assert "Oksana Shevchenko" in receipt["summary"]
    assert OKSANA["aadObjectId"] not in receipt["summary"]
    content = receipt["attachments"][0]["content"]
    assert OKSANA["aadObjectId"] not in content["fallbackText"]
    assert "<at>Oksana Shevchenko</at>" in card_text(bot_framework.activities("a:1personal-alice")[0])
    account = "select {} from teams_account where aad_object_id = :id"
    for column, expected in (
        ("email", "oksana@contoso.example"),
        ("user_principal_name", "oksana@contoso.example"),
        ("user_id", OKSANA["id"]),
    ):
        assert scalar(sql, account.format(column), id=OKSANA["aadObjectId"]) == expected
    member_name = "select display_name from member where external_id = :id"
    assert scalar(sql, member_name, id=OKSANA["aadObjectId"]) == "Oksana Shevchenko"
    # her DM goes through a 1:1 chat created with her Teams id and tenant
    bot_framework.wait_for(lambda: bot_framework.created())
    created = bot_framework.created()[0].body
    assert created["members"][0]["id"] == OKSANA["id"]
    assert created["channelData"]["tenant"]["id"] == TENANT
    wait_until(lambda: scalar(sql, "select status from delivery") == "sent")
    dm = [p for p in bot_framework.activities() if p.conversation.startswith("a:personal-")]
    assert "Alice" in card_text(dm[0])


def test_kudos_to_someone_without_the_app_waits_for_the_install(teams, bot_framework, sql):
    bot_framework.members[OKSANA["id"]] = connector_member(OKSANA)
    bot_framework.not_installed.add(OKSANA["id"])
    assert teams.post(kudos_to_oksana(bot_framework), bot_framework.token()).status_code == 200
    assert scalar(sql, "select count(*) from kudos") == 1
    replies = [p.body["summary"] for p in bot_framework.activities("a:1personal-alice")]
    assert any("Kudos sent" in summary for summary in replies)
    assert any(
        "Oksana Shevchenko hasn't installed Fivefold yet" in summary for summary in replies
    ), replies
    wait_until(lambda: scalar(sql, "select status from delivery") == "failed")
    assert scalar(sql, "select error from delivery") == "unreachable"
    # she installs the app: Teams sends installationUpdate from her 1:1 chat
    bot_framework.not_installed.clear()
    install = activity("installationUpdate", bot_framework.url, sender="oksana", action="add")
    assert teams.post(install, bot_framework.token()).status_code == 200
    wait_until(lambda: scalar(sql, "select status from delivery") == "sent")
    texts = [card_text(p) for p in bot_framework.activities("a:1personal-oksana")]
    assert any("Alice" in text and "dziękuję" in text for text in texts), texts


def test_a_mention_teams_cannot_resolve_is_named_to_the_giver(teams, bot_framework, sql):
    response = teams.post(kudos_to_oksana(bot_framework), bot_framework.token())
    assert response.status_code == 200
    assert scalar(sql, "select count(*) from kudos") == 0
    reply = bot_framework.activities("a:1personal-alice")[0].body["summary"]
    assert "couldn't find @Oksana Shevchenko" in reply
    assert "Who for" not in reply


def test_polish_receipt_names_the_receiver(teams, bot_framework, sql):
    bot_framework.members[OKSANA["id"]] = connector_member(OKSANA)
    body = kudos_to_oksana(bot_framework)
    body["locale"] = "pl-PL"
    assert teams.post(body, bot_framework.token()).status_code == 200
    receipt = bot_framework.activities("a:1personal-alice")[0].body["summary"]
    assert "Oksana Shevchenko" in receipt and OKSANA["aadObjectId"] not in receipt
