"""Teams end to end: real HTTP, real JWTs, the fake Bot Framework, both databases."""

from __future__ import annotations

from tests.conftest import scalar, wait_until
from tests.teams.activities import BOT, CHANNEL, PEOPLE, activity, mention, message
from tests.teams.fake_botframework import BOT_TOKEN


def card_text(posted) -> str:
    content = posted.body["attachments"][0]["content"]
    return " ".join(str(element.get("text", "")) for element in content["body"])


def test_channel_kudos_posts_card_and_dms(teams, bot_framework, sql):
    body = message(
        "kudos {bob} thanks for the rescue #customer-first",
        bot_framework.url,
        mentions=("bob",),
        channel=True,
    )
    response = teams.post(body, bot_framework.token())
    assert response.status_code == 200, response.text
    assert scalar(sql, "select count(*) from kudos") == 1
    bob = PEOPLE["bob"]["aadObjectId"]
    assert (
        scalar(sql, "select m.external_id from kudos k join member m on m.id = k.receiver_id")
        == bob
    )
    bot_framework.wait_for(lambda: len(bot_framework.activities(CHANNEL)) == 1)
    card = bot_framework.activities(CHANNEL)[0]
    assert "Kudos" in card_text(card)
    assert card.authorization == f"Bearer {BOT_TOKEN}"
    # the receipt to Alice and the DM to Bob go to 1:1 chats the bot opens
    bot_framework.wait_for(lambda: len(bot_framework.created()) == 2)
    members = sorted(c.body["members"][0]["id"] for c in bot_framework.created())
    assert members == ["29:1alice", "29:1bob"]
    wait_until(lambda: scalar(sql, "select count(*) from delivery where status = 'sent'") == 2)


def test_personal_kudos_replies_in_the_chat(teams, bot_framework, sql):
    body = message("kudos {bob} great demo #ownership", bot_framework.url, mentions=("bob",))
    assert teams.post(body, bot_framework.token()).status_code == 200
    assert scalar(sql, "select count(*) from kudos") == 1
    replies = bot_framework.activities("a:1personal-alice")
    assert len(replies) == 1
    assert "Kudos sent" in replies[0].body["summary"]
    assert scalar(sql, "select count(*) from delivery where target_kind = 'channel'") == 0
    alice = PEOPLE["alice"]["aadObjectId"]
    zone = "select timezone from member where external_id = :id"
    assert scalar(sql, zone, id=alice) == "Europe/Warsaw"  # from the clientInfo entity
    wait_until(lambda: scalar(sql, "select count(*) from delivery where status = 'sent'") == 1)


def test_redelivered_activity_counts_once(teams, bot_framework, sql):
    body = message(
        "kudos {bob} thanks #empathy",
        bot_framework.url,
        mentions=("bob",),
        activity_id="1700000000999",
    )
    assert teams.post(body, bot_framework.token()).status_code == 200
    assert teams.post(body, bot_framework.token()).status_code == 200
    assert scalar(sql, "select count(*) from kudos") == 1


def test_self_kudos_is_refused_privately(teams, bot_framework, sql):
    body = message("kudos {alice} me again", bot_framework.url, mentions=("alice",))
    assert teams.post(body, bot_framework.token()).status_code == 200
    assert scalar(sql, "select count(*) from kudos") == 0
    reply = bot_framework.activities("a:1personal-alice")[0]
    assert "yourself" in reply.body["summary"]


def test_install_stores_reference_and_throttled_dm_is_retried(teams, bot_framework, sql):
    install = activity(
        "conversationUpdate",
        bot_framework.url,
        sender="bob",
        membersAdded=[BOT],
        activity_id="f:install-bob",
    )
    assert teams.post(install, bot_framework.token()).status_code == 200
    assert scalar(sql, "select count(*) from teams_conversation where kind = 'personal'") == 1
    bot_framework.script(429, {"Retry-After": "1"}, conversation="a:1personal-bob")
    body = message("kudos {bob} thanks #empathy", bot_framework.url, mentions=("bob",))
    assert teams.post(body, bot_framework.token()).status_code == 200
    wait_until(lambda: len(bot_framework.activities("a:1personal-bob")) == 1, timeout=15)
    assert bot_framework.refused == ["a:1personal-bob"]
    assert bot_framework.created() == []  # the stored reference was used
    assert scalar(sql, "select attempts from delivery") == 1  # a 429 does not use up an attempt


def test_member_added_to_team_joins(teams, bot_framework, sql):
    update = activity(
        "conversationUpdate", bot_framework.url, channel=True, membersAdded=[PEOPLE["carol"]]
    )
    assert teams.post(update, bot_framework.token()).status_code == 200
    carol = PEOPLE["carol"]["aadObjectId"]
    assert scalar(sql, "select count(*) from member where external_id = :id", id=carol) == 1
    assert (
        scalar(sql, "select display_name from member where external_id = :id", id=carol) == "Carol"
    )


def test_unreachable_member_is_not_retried(teams, bot_framework, sql):
    bot_framework.script(403, conversation="a:1personal-bob")
    install = activity("conversationUpdate", bot_framework.url, sender="bob", membersAdded=[BOT])
    assert teams.post(install, bot_framework.token()).status_code == 200
    body = message("kudos {bob} thanks #empathy", bot_framework.url, mentions=("bob",))
    assert teams.post(body, bot_framework.token()).status_code == 200
    wait_until(lambda: scalar(sql, "select status from delivery") == "failed")
    assert scalar(sql, "select error from delivery") == "unreachable"


def test_card_button_opens_form_and_submission_gives_kudos(teams, bot_framework, sql):
    press = activity(
        "message", bot_framework.url, value={"fivefold": {"action": "kudos.open_form"}}
    )
    assert teams.post(press, bot_framework.token()).status_code == 200
    form = bot_framework.activities("a:1personal-alice")[0].body["attachments"][0]["content"]
    submit = form["actions"][0]["data"]
    assert submit["fivefold"]["form"] == "kudos.form"
    values = {
        **submit,
        "kudos_members": PEOPLE["bob"]["aadObjectId"],
        "message": "Great call",
        "values": "empathy,ownership",
    }
    answer = activity("message", bot_framework.url, value=values)
    assert teams.post(answer, bot_framework.token()).status_code == 200
    assert scalar(sql, "select count(*) from kudos") == 1
    assert scalar(sql, "select count(*) from kudos_tag") == 2


def test_mention_without_aad_id_is_resolved_through_the_connector(teams, bot_framework, sql):
    bob = PEOPLE["bob"]
    bot_framework.members[bob["id"]] = {**bob, "userPrincipalName": "bob@example.com"}
    body = message("kudos {bob} thanks #empathy", bot_framework.url, channel=True)
    body["entities"].append(mention(bob, with_aad=False))
    assert teams.post(body, bot_framework.token()).status_code == 200
    assert scalar(sql, "select count(*) from kudos") == 1
    receiver = "select m.external_id from kudos k join member m on m.id = k.receiver_id"
    assert scalar(sql, receiver) == bob["aadObjectId"]


def test_uninstall_forgets_the_personal_reference(teams, bot_framework, sql):
    install = activity("installationUpdate", bot_framework.url, sender="bob", action="add")
    assert teams.post(install, bot_framework.token()).status_code == 200
    assert scalar(sql, "select count(*) from teams_conversation") == 1
    remove = activity("installationUpdate", bot_framework.url, sender="bob", action="remove")
    assert teams.post(remove, bot_framework.token()).status_code == 200
    assert scalar(sql, "select count(*) from teams_conversation") == 0


def test_unchanged_accounts_and_references_are_not_rewritten(teams, bot_framework, sql):
    first = message("kudos {bob} thanks #empathy", bot_framework.url, mentions=("bob",))
    assert teams.post(first, bot_framework.token()).status_code == 200
    # the sender's own rows (the worker may meanwhile store other chats it opens for DMs)
    stamps = f"select updated_at from teams_account where aad_object_id = '{PEOPLE['alice']['aadObjectId']}'"
    conversations = "select updated_at from teams_conversation where conversation_id = 'a:1personal-alice'"
    before = (scalar(sql, stamps), scalar(sql, conversations))
    second = message("kudos {bob} thanks again #empathy", bot_framework.url, mentions=("bob",))
    assert teams.post(second, bot_framework.token()).status_code == 200
    assert scalar(sql, "select count(*) from kudos") == 2
    assert before[0] is not None and before[1] is not None
    assert (scalar(sql, stamps), scalar(sql, conversations)) == before
