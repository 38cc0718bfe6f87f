"""Bad input into /slack/events: a clear status, and nothing written."""

from __future__ import annotations

import time

from tests.conftest import ALICE, BOB, scalar
from tests.slack_requests import signed_headers, slash_body


def nothing_stored(sql) -> bool:
    # the install's own workspace is known from start-up (auth.test); a refused request adds no one to it
    return scalar(sql, "select count(*) from kudos") == 0 and scalar(sql, "select count(*) from member") == 0


def test_forged_signature_is_401(slack, sql):
    body = slash_body("/kudos", f"<@{BOB}> thanks", user=ALICE)
    response = slack.post(body, headers=signed_headers(body, secret="not-the-secret"))
    assert response.status_code == 401
    assert nothing_stored(sql)


def test_tampered_body_is_401(slack, sql):
    body = slash_body("/kudos", f"<@{BOB}> thanks", user=ALICE)
    headers = signed_headers(body)
    response = slack.post(body.replace("thanks", "thanks+a+lot"), headers=headers)
    assert response.status_code == 401
    assert nothing_stored(sql)


def test_timestamp_older_than_five_minutes_is_401(slack, sql):
    body = slash_body("/kudos", f"<@{BOB}> thanks", user=ALICE)
    response = slack.post(body, headers=signed_headers(body, timestamp=int(time.time()) - 301))
    assert response.status_code == 401
    assert nothing_stored(sql)


def test_missing_signature_headers_is_401(slack, sql):
    body = slash_body("/kudos", f"<@{BOB}> thanks", user=ALICE)
    response = slack.post(body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 401
    assert nothing_stored(sql)


def test_malformed_payloads_are_400(slack, sql):
    bodies = [
        ("payload=%7Bnot-json", False),
        ("\xff\xfe", False),
        ("text=hello", False),
        ('{"type": "event_callback", ', True),
        ("[1, 2, 3]", True),
    ]
    for body, as_json in bodies:
        response = slack.post(body, json_body=as_json)
        assert response.status_code == 400, (body, response.status_code, response.text)
    assert nothing_stored(sql)


def test_well_signed_but_incomplete_payloads_never_500(slack, sql):
    payloads = [
        {"type": "block_actions", "team": {"id": "T0FIVE001"}, "user": {"id": ALICE}, "actions": []},
        {"type": "view_submission", "team": {"id": "T0FIVE001"}, "user": {"id": ALICE}, "view": {}},
        {"type": "shortcut", "team": {"id": "T0FIVE001"}, "callback_id": "give_kudos"},
    ]
    for payload in payloads:
        response = slack.interaction(payload)
        assert response.status_code < 500, (payload, response.status_code)
    assert scalar(sql, "select count(*) from kudos") == 0


def test_oversize_request_is_refused(slack, sql):
    body = slash_body("/kudos", f"<@{BOB}> " + "y" * 1_100_000, user=ALICE)
    assert slack.post(body).status_code == 413
    assert nothing_stored(sql)
