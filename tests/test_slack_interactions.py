"""Reactions, retries, shortcuts, the kudos form, App Home and member events in Slack."""

from __future__ import annotations

from tests.conftest import ALICE, BOB, CAROL, scalar, wait_until
from tests.fakes.slack_api import TEAM


def reaction(kind: str, emoji: str = "raised_hands", author: str = BOB, user: str = ALICE) -> dict:
    return {"type": kind, "user": user, "reaction": emoji, "item_user": author,
            "item": {"type": "message", "channel": "C0GENERAL", "ts": "1700000000.000200"},
            "event_ts": "1700000001.000100"}


def test_reaction_gives_kudos_to_the_author_and_removal_takes_it_back(slack, fake_slack, sql):
    assert slack.event(reaction("reaction_added")).status_code == 200
    assert scalar(sql, "select count(*) from kudos where source='reaction'") == 1
    dm = fake_slack.wait_for("chat.postMessage")[0]
    assert dm.params["channel"] == BOB
    ephemeral = fake_slack.wait_for("chat.postEphemeral")[0]
    assert ephemeral.params["user"] == ALICE and "Kudos sent" in ephemeral.params["text"]
    assert slack.event(reaction("reaction_removed")).status_code == 200
    assert scalar(sql, "select count(*) from kudos") == 0


def test_other_emoji_and_own_messages(slack, fake_slack, sql):
    slack.event(reaction("reaction_added", emoji="tada"))
    assert scalar(sql, "select count(*) from kudos") == 0
    slack.event(reaction("reaction_added", author=ALICE))
    assert scalar(sql, "select count(*) from kudos") == 0
    assert "yourself" in fake_slack.wait_for("chat.postEphemeral")[0].params["text"]


def test_ten_retries_of_one_event_count_once(slack, sql):
    for retry in range(10):
        response = slack.event(reaction("reaction_added"), retry=retry or None, event_id="Ev0RETRY01")
        assert response.status_code == 200
    assert scalar(sql, "select count(*) from kudos") == 1
    assert scalar(sql, "select count(*) from delivery") == 1


def shortcut(kind: str = "message_action", trigger: str = "123.456.shortcut") -> dict:
    payload = {"type": kind, "callback_id": "give_kudos_message", "trigger_id": trigger,
               "team": {"id": TEAM, "domain": "fivefold-test"}, "user": {"id": ALICE, "team_id": TEAM},
               "action_ts": "1700000000.1"}
    if kind == "message_action":
        payload.update(channel={"id": "C0GENERAL"}, message={"user": CAROL, "text": "fixed it", "ts": "1.2"})
    return payload


def submission(values: dict, state: str = "C0GENERAL", view_id: str = "V0FORM01") -> dict:
    return {"type": "view_submission", "team": {"id": TEAM}, "user": {"id": ALICE, "team_id": TEAM},
            "trigger_id": "9.9.submit",
            "view": {"type": "modal", "id": view_id, "hash": "h1", "callback_id": "kudos.form", "private_metadata": state,
                     "state": {"values": values}}}


def form_values(receivers: list[str], message: str, tags: list[str]) -> dict:
    return {
        "kudos_members": {"kudos_members": {"type": "multi_users_select", "selected_users": receivers}},
        "message": {"message": {"type": "plain_text_input", "value": message}},
        "values": {"values": {"type": "multi_static_select",
                              "selected_options": [{"value": t} for t in tags]}},
    }


def test_message_shortcut_opens_a_prefilled_form(slack, fake_slack):
    assert slack.interaction(shortcut()).status_code == 200
    view = fake_slack.wait_for("views.open")[0].params["view"]
    assert view["callback_id"] == "kudos.form" and view["private_metadata"] == "C0GENERAL"
    picker = view["blocks"][1]["element"]
    assert picker["type"] == "multi_users_select" and picker["initial_users"] == [CAROL]
    assert slack.interaction(shortcut("shortcut", "124.456.global")).status_code == 200
    assert "initial_users" not in fake_slack.wait_for("views.open", 2)[1].params["view"]["blocks"][1]["element"]


def test_form_submission_gives_kudos_and_confirms_in_the_modal(slack, fake_slack, sql):
    response = slack.interaction(submission(form_values([BOB, CAROL], "great demo", ["empathy"])))
    assert response.status_code == 200
    body = response.json()
    assert body["response_action"] == "update" and "Kudos sent" in str(body["view"]["blocks"])
    assert scalar(sql, "select count(*) from kudos where source='form'") == 2
    channels = {c.params["channel"] for c in fake_slack.wait_for("chat.postMessage", 3)}
    assert channels == {"C0GENERAL", BOB, CAROL}


def test_form_errors_are_shown_on_the_field(slack, sql):
    response = slack.interaction(submission(form_values([BOB], "   ", []), view_id="V0FORM02"))
    body = response.json()
    assert body["response_action"] == "errors" and "message" in body["errors"]
    assert scalar(sql, "select count(*) from kudos") == 0


def test_home_tab_shows_stats_and_a_give_kudos_button(slack, fake_slack):
    slack.command("/kudos", f"<@{ALICE}> thanks", user=BOB)
    slack.event({"type": "app_home_opened", "user": ALICE, "tab": "home", "channel": "D1"})
    view = fake_slack.wait_for("views.publish")[0].params["view"]
    assert view["type"] == "home"
    text = str(view["blocks"])
    assert "kudos.open_form" in text and "1 in all, 1 this month" in text


def test_home_button_opens_the_form(slack, fake_slack):
    payload = {"type": "block_actions", "team": {"id": TEAM}, "user": {"id": ALICE, "team_id": TEAM},
               "trigger_id": "5.5.home", "container": {"type": "view", "view_id": "V1"},
               "actions": [{"action_id": "kudos.open_form", "block_id": "b", "type": "button", "value": ""}]}
    assert slack.interaction(payload).status_code == 200
    assert fake_slack.wait_for("views.open")[0].params["view"]["callback_id"] == "kudos.form"


def test_team_join_creates_the_member_with_time_zone_and_locale(slack, fake_slack, sql):
    fake_slack.add_user("U0NEW0001", "Nadia", tz="Europe/Kyiv", locale="uk-UA")
    event = {"type": "team_join", "user": fake_slack.users["U0NEW0001"]}
    assert slack.event(event).status_code == 200
    row = scalar(sql, "select timezone || '/' || locale from member where external_id='U0NEW0001'")
    assert row == "Europe/Kyiv/uk"


def test_unhandled_events_are_acknowledged(slack):
    assert slack.event({"type": "channel_created", "channel": {"id": "C9"}}).status_code == 200


def test_url_verification(slack):
    import json
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "x"})
    assert slack.post(body, json_body=True).json()["challenge"] == "abc123"


def test_outbox_retries_after_429_and_records_permanent_failures(slack, fake_slack, sql):
    fake_slack.script("chat.postMessage", 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"})
    fake_slack.users[CAROL]["deleted"] = False
    slack.command("/kudos", f"<@{BOB}> thanks", user=ALICE, channel="C0GONE")
    fake_slack.script("chat.postMessage", 200, {"ok": False, "error": "channel_not_found"})
    wait_until(lambda: scalar(sql, "select count(*) from delivery where status in ('sent','failed')") == 2,
               timeout=15, message="both deliveries settled")
    statuses = dict((r[0], (r[1], r[2])) for r in _rows(sql, "select target_id, status, error from delivery"))
    sent_to_bob = [c for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == BOB]
    assert len(sent_to_bob) == 1 or statuses[BOB][0] == "sent"
    assert statuses == {BOB: ("sent", None), "C0GONE": ("failed", "channel_not_found")} or \
        statuses == {BOB: ("failed", "channel_not_found"), "C0GONE": ("sent", None)}


def _rows(sql, query):
    with sql.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(query)]
