"""Where a Slack reply leaves besides the ack: ephemeral in the request, or through the outbox.

See `adapters/slack/replies.py`: an answer that stays in a conversation (a command written in
the bot's DM, a reply with no channel to be ephemeral in) is an interactive delivery sent by the
worker; an error for the writer alone is ephemeral, inside the request.
"""

from __future__ import annotations

import time

from tests.conftest import ALICE, BOB, scalar, wait_until
from tests.fakes.slack_api import TEAM

DM = "D0ALICEDM"


def dm(text: str) -> dict:
    return {"type": "message", "channel": DM, "channel_type": "im", "user": ALICE, "text": text,
            "ts": f"{time.time():.6f}", "event_ts": f"{time.time():.6f}"}


def posts_to(fake_slack, channel: str) -> list[str]:
    return [c.params.get("text", "") for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == channel]


def test_an_answer_in_the_dm_is_an_interactive_delivery_added_once(slack, fake_slack, sql):
    for retry in (None, 1, 2):
        assert slack.event(dm("stats"), event_id="Ev0DMSTATS1", retry=retry).status_code == 200
    wait_until(lambda: posts_to(fake_slack, DM), message="the answer in the DM")
    # the worker records the post after Slack's answer: wait for its commit, not only for the post
    wait_until(lambda: scalar(sql, "select status from delivery") == "sent", message="the delivery recorded as sent")
    row = scalar(sql, "select target_kind || ' ' || target_id || ' ' || lane || ' ' || status || ' ' || dedupe_key "
                      "from delivery")
    assert row == f"channel {DM} interactive sent slack:reply:dm:Ev0DMSTATS1"
    time.sleep(0.3)
    (answer,) = posts_to(fake_slack, DM)
    assert "Your kudos" in answer
    (post,) = fake_slack.calls_to("chat.postMessage")
    assert post.params["metadata"]["event_payload"]["delivery_id"]  # sent by the worker: reconcilable like any post
    assert fake_slack.calls_to("chat.postEphemeral") == []


def test_a_refusal_in_the_dm_is_ephemeral_and_queues_nothing(slack, fake_slack, sql):
    assert slack.event(dm(f"kudos <@{ALICE}> me, myself #empathy")).status_code == 200
    (refusal,) = fake_slack.wait_for("chat.postEphemeral")
    assert (refusal.params["channel"], refusal.params["user"]) == (DM, ALICE)
    assert "yourself" in refusal.params["text"]
    assert scalar(sql, "select count(*) from delivery") == 0
    assert scalar(sql, "select count(*) from kudos") == 0
    assert fake_slack.calls_to("chat.postMessage") == []


def test_a_reply_with_no_channel_goes_to_the_members_app_dm_through_the_outbox(slack, fake_slack, sql):
    assert slack.command("/cx", "help", user=ALICE).status_code == 200  # the workspace and Alice are known
    press = {  # a button in the App Home: no channel to be ephemeral in
        "type": "block_actions", "team": {"id": TEAM, "domain": "fivefold-test"},
        "user": {"id": ALICE, "team_id": TEAM}, "trigger_id": "5.5.home",
        "container": {"type": "view", "view_id": "V0HOME001"},
        "actions": [{"action_id": "track.ack", "block_id": "b", "type": "button", "value": "999:999"}],
    }
    assert slack.interaction(press).status_code == 200
    assert slack.interaction(press).status_code == 200  # Slack's retry: the same trigger, nothing more
    wait_until(lambda: posts_to(fake_slack, ALICE), message="the reply in Alice's app DM")
    assert "no longer valid" in posts_to(fake_slack, ALICE)[0]
    assert scalar(sql, "select target_kind || ' ' || lane from delivery where target_id = :a", a=ALICE) == (
        "member interactive"
    )
    time.sleep(0.3)
    assert len(posts_to(fake_slack, ALICE)) == 1
    assert fake_slack.calls_to("chat.postEphemeral") == []
    assert posts_to(fake_slack, BOB) == []
