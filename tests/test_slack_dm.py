"""Writing to the bot in its Slack DM (`message.im`): the same words as in Teams."""

from __future__ import annotations

import time

from tests.conftest import ALICE, BOB, scalar, wait_until

DM = "D0ALICEDM"


def dm(text: str, **extra) -> dict:
    return {
        "type": "message", "channel": DM, "channel_type": "im", "user": ALICE, "text": text,
        "ts": f"{time.time():.6f}", "event_ts": f"{time.time():.6f}", **extra,
    }


def answers(fake_slack) -> list[str]:
    return [c.params.get("text", "") for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == DM]


def test_help_and_stats_are_answered_in_the_dm(slack, fake_slack):
    assert slack.event(dm("help")).status_code == 200
    assert slack.event(dm("stats")).status_code == 200
    wait_until(lambda: len(answers(fake_slack)) == 2, message="two answers in the DM")
    help_text, stats_text = answers(fake_slack)
    assert help_text == "What Fivefold can do"
    assert "Your kudos" in stats_text


def test_kudos_in_the_dm_counts_once_across_retries(slack, fake_slack, sql):
    event = dm(f"kudos <@{BOB}> thanks for the demo #empathy")
    assert slack.event(event, event_id="Ev0DMKUDOS1").status_code == 200
    assert slack.event(event, event_id="Ev0DMKUDOS1", retry=1).status_code == 200
    assert scalar(sql, "select count(*) from kudos") == 1
    assert scalar(sql, "select message from kudos") == "thanks for the demo"
    wait_until(lambda: answers(fake_slack), message="the receipt in the DM")
    time.sleep(0.3)
    (receipt,) = answers(fake_slack)
    assert "Kudos sent to @Bob" in receipt


def test_the_bots_own_messages_edits_and_other_channels_are_ignored(slack, fake_slack, sql):
    ignored = [
        dm("help", bot_id="B0FIVEFOLD", subtype="bot_message"),
        dm("help", bot_id="B0FIVEFOLD"),
        dm("help", subtype="message_changed"),
        dm(f"kudos <@{BOB}> edited", subtype="message_changed"),
        {**dm("help"), "channel_type": "channel", "channel": "C0GENERAL"},
        {**dm("help"), "channel_type": "mpim"},
    ]
    for event in ignored:
        assert slack.event(event).status_code == 200
    time.sleep(0.5)
    assert answers(fake_slack) == []
    assert [c for c in fake_slack.calls_to("chat.postMessage")] == []
    assert scalar(sql, "select count(*) from kudos") == 0
