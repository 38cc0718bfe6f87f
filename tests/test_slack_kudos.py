"""Kudos in Slack, end to end: signed HTTP into the running app, outbox to the fake Web API."""

from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from tests.conftest import ALICE, BOB, CAROL, DAVE, GONE, ROBOT, scalar, wait_until

MENTION = re.compile(r"<[@!#][^>]*>")


def kudos_count(sql) -> int:
    return scalar(sql, "select count(*) from kudos")


def test_kudos_posts_card_and_dms_and_confirms_privately(slack, fake_slack, sql):
    response = slack.command("/kudos", f"<@{BOB}|bob> <@{CAROL}|carol> rescued the Kowalski order #customer-first #ownership", user=ALICE)

    assert response.status_code == 200
    assert "Kudos sent to @Bob, @Carol" in response.json()["text"]
    assert "3 kudos left" in response.text
    assert kudos_count(sql) == 2
    assert scalar(sql, "select count(*) from kudos_tag") == 4
    posts = fake_slack.wait_for("chat.postMessage", 3)
    by_channel = {call.params["channel"]: call.params for call in posts}
    card = by_channel["C0GENERAL"]
    assert card["blocks"][1]["text"]["text"] == f"<@{ALICE}> gave kudos to <@{BOB}>, <@{CAROL}>"
    assert "rescued the Kowalski order" in card["blocks"][2]["text"]["text"]
    assert "#customer-first #ownership" in card["blocks"][3]["elements"][0]["text"]
    assert BOB in by_channel and CAROL in by_channel
    wait_until(lambda: scalar(sql, "select count(*) from delivery where status='sent'") == 3, message="3 sent")


def test_each_receiver_dm_is_in_their_own_language(slack, fake_slack, sql):
    slack.command("/kudos", f"<@{BOB}> <@{CAROL}> <@{DAVE}> dziękuję", user=ALICE)
    posts = {c.params["channel"]: c.params["text"] for c in fake_slack.wait_for("chat.postMessage", 4)}
    assert posts[DAVE].startswith("@Alice gave you kudos")  # no locale → English
    assert posts[BOB] != posts[DAVE] and posts[CAROL] != posts[DAVE]  # pl-PL and uk-UA are translated


def test_refusals_are_private_and_store_nothing(slack, fake_slack, sql):
    cases = [
        (f"<@{ALICE}> me, myself", "yourself"),
        (f"<@{ROBOT}> beep", "is a bot"),
        (f"<@{GONE}> thanks", "no longer active"),
        ("thanks everyone", "Mention at least one person"),
        (f"<@{BOB}> #customer-first", "kudos need a message"),
        (f"<@{BOB}> great #teamwork", "#teamwork is not one of our values. Use one of: #customer-first, #ownership, #empathy, #going-beyond."),
        (f"<@{BOB}> " + "x" * 1001, "1001 characters long; please keep kudos under 1000"),
    ]
    for text, expected in cases:
        response = slack.command("/kudos", text, user=ALICE)
        assert response.status_code == 200
        body = response.json()
        assert expected in body["text"], (text, body["text"])
        assert body.get("response_type", "ephemeral") == "ephemeral"
    assert kudos_count(sql) == 0
    assert scalar(sql, "select count(*) from delivery") == 0


def test_allowance_is_enforced_and_explained(slack, sql):
    for _ in range(5):
        assert "Kudos sent" in slack.command("/kudos", f"<@{BOB}> thanks", user=ALICE).text
    refused = slack.command("/kudos", f"<@{BOB}> <@{CAROL}> once more", user=ALICE).json()["text"]
    assert "You have 0 kudos left today and tried to give 2" in refused
    assert kudos_count(sql) == 5


def test_allowance_day_is_the_givers_own_day(slack, sql):
    slack.command("/kudos", f"<@{BOB}> thanks", user=ALICE)  # Europe/Warsaw
    slack.command("/kudos", f"<@{BOB}> thanks", user=DAVE)  # Asia/Tokyo
    days = dict(scalar_rows(sql, "select m.external_id, k.given_on from kudos k join member m on m.id = k.giver_id"))
    now = dt.datetime.now(dt.UTC)
    assert str(days[ALICE]) == str(now.astimezone(ZoneInfo("Europe/Warsaw")).date())
    assert str(days[DAVE]) == str(now.astimezone(ZoneInfo("Asia/Tokyo")).date())
    # yesterday's kudos do not count against today
    with sql.begin() as conn:
        conn.exec_driver_sql("update kudos set given_on = given_on - 1" if sql.dialect.name == "postgresql"
                             else "update kudos set given_on = date(given_on, '-1 day')")
    for _ in range(5):
        assert "Kudos sent" in slack.command("/kudos", f"<@{CAROL}> thanks", user=ALICE).text


def scalar_rows(sql, query):
    with sql.connect() as conn:
        return [tuple(row) for row in conn.exec_driver_sql(query)]


def test_fifty_concurrent_kudos_from_one_giver_accept_exactly_the_allowance(slack, sql):
    slack.command("/cx", "stats", user=ALICE)  # first contact: profiles cached
    slack.command("/cx", "stats", user=BOB)
    with ThreadPoolExecutor(max_workers=25) as pool:
        responses = list(pool.map(lambda i: slack.command("/kudos", f"<@{BOB}> thanks #{'empathy'} {i}", user=ALICE), range(50)))
    assert all(r.status_code == 200 for r in responses)
    accepted = [r for r in responses if "Kudos sent" in r.text]
    assert len(accepted) == 5
    assert kudos_count(sql) == 5


def test_the_same_command_delivered_twice_counts_once(slack, sql):
    first = slack.command("/kudos", f"<@{BOB}> thanks", user=ALICE, trigger_id="777.1.dup")
    second = slack.command("/kudos", f"<@{BOB}> thanks", user=ALICE, trigger_id="777.1.dup")
    assert first.status_code == second.status_code == 200
    assert kudos_count(sql) == 1


def test_mentions_and_links_in_the_message_cannot_ping_anyone(slack, fake_slack, sql):
    text = (f"<@{BOB}|bob> you saved us <!channel> <!here> <!subteam^S123|@support> "
            "&lt;@U0DAVE001&gt; <https://evil.example|click me> *bold* &lt;!everyone&gt;")
    assert "Kudos sent" in slack.command("/kudos", text, user=ALICE).text
    posts = fake_slack.wait_for("chat.postMessage", 2)
    for call in posts:
        rendered = str(call.params["blocks"]) + str(call.params["text"])
        assert set(MENTION.findall(rendered)) <= {f"<@{ALICE}>", f"<@{BOB}>"}, rendered
    stored = scalar(sql, "select message from kudos")
    assert "<@U0DAVE001>" in stored and "@channel" in stored  # kept as text, shown escaped


def test_unknown_subcommand_gets_help(slack):
    body = slack.command("/cx", "frobnicate", user=ALICE).json()
    assert "I don't know the command “frobnicate”" in str(body["blocks"])
    assert "/cx leaderboard" in str(body["blocks"])
    assert "/kudos @name" in str(slack.command("/cx", "", user=ALICE).json()["blocks"])


def test_stats_and_leaderboard(slack, sql):
    slack.command("/kudos", f"<@{DAVE}> <@{CAROL}> thanks #empathy", user=ALICE)
    slack.command("/kudos", f"<@{DAVE}> again #empathy", user=BOB)
    stats = str(slack.command("/cx", "stats", user=DAVE).json()["blocks"])
    assert "2 in all, 2 this month" in stats and "#empathy × 2" in stats
    mine = str(slack.command("/cx", "stats", user=ALICE).json()["blocks"])
    assert "3 kudos left to give today" in mine
    board = slack.command("/cx", "leaderboard", user=ALICE).json()["blocks"]
    ranking = board[1]["text"]["text"]
    assert ranking.startswith(f"1. <@{DAVE}> — 2")
    assert f"2. <@{CAROL}> — 1" in ranking


def test_a_refused_first_kudos_does_not_leave_stale_values_behind(slack, sql):
    # the tenant's default values are seeded inside the refused (rolled-back) transaction
    assert "not one of our values" in slack.command("/kudos", f"<@{BOB}> hi #teamwork", user=ALICE).text
    assert scalar(sql, "select count(*) from kudos_value") == 0
    assert "Kudos sent" in slack.command("/kudos", f"<@{BOB}> hi #empathy", user=ALICE).text
    assert scalar(sql, "select count(*) from kudos_tag") == 1


def test_a_kudos_to_several_people_is_one_fixed_set_of_statements(served, slack, sql):
    """The hot path (tests/bench/inbound.py) stays one statement per step, whatever the
    number of receivers: no statement per receiver, per tag or per message creeps in."""
    # first contact (directory look-ups) for everyone, and its card and DMs sent
    slack.command("/kudos", f"<@{BOB}> <@{CAROL}> <@{DAVE}> warm-up", user=ALICE)
    wait_until(lambda: scalar(sql, "select count(*) from delivery where status='sent'") == 4, message="sent")
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_rest):
        seen.append(" ".join(statement.split()))

    engine = served.app.state.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        response = slack.command(
            "/kudos", f"<@{BOB}> <@{DAVE}> thanks #customer-first #ownership", user=ALICE
        )
    finally:
        event.remove(engine, "before_cursor_execute", record)

    assert "Kudos sent to @Bob, @Dave" in response.json()["text"]
    assert kudos_count(sql) == 5 and scalar(sql, "select count(*) from kudos_tag") == 4
    steps = {
        "members and tenant": r"^SELECT member\..* JOIN tenant (?!.* FOR NO KEY UPDATE)",
        "dedupe key": r"^INSERT INTO processed_event",
        "allowance": r"^SELECT count\(\*\) .*FROM kudos WHERE",
        "kudos": r"^INSERT INTO kudos \(",
        "tags": r"^INSERT INTO kudos_tag",
        "outbox": r"^INSERT INTO delivery",
    }
    # (the worker, woken by the commit, runs its own statements meanwhile: not counted)
    if sql.dialect.name == "postgresql":  # the giver's row alone is locked (one giver's requests queue)
        steps["giver's lock"] = r"^SELECT member\.id .* JOIN tenant .*FOR NO KEY UPDATE OF member$"
    counts = {step: sum(bool(re.search(pattern, s)) for s in seen) for step, pattern in steps.items()}
    assert counts == dict.fromkeys(steps, 1)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # SQLite has no row locks
def test_kudos_to_someone_whose_own_request_is_running_do_not_wait_for_it(slack, sql):
    """Only the giver's row is locked: naming a colleague whose own request holds their row goes through."""
    slack.command("/cx", "stats", user=ALICE)  # first contact: profiles cached
    slack.command("/cx", "stats", user=BOB)
    with sql.connect() as conn, ThreadPoolExecutor(max_workers=1) as pool:
        conn.exec_driver_sql(f"select id from member where external_id = '{BOB}' for no key update")  # as Bob's own request does
        given = pool.submit(slack.command, "/kudos", f"<@{BOB}> thanks", user=ALICE)
        try:
            text = given.result(timeout=10).text
        finally:
            conn.rollback()  # Bob's request ends; a waiting kudos would go on now
        assert "Kudos sent" in text
    assert kudos_count(sql) == 1
