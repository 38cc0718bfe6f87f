"""Bounded fuzzing of /slack/events (hypothesis): real-shaped payloads, validly signed, with random
fields replaced by random JSON; and unsigned noise. Never a 5xx; never a server exception (the
`server_errors` fixture fails the test on one); forged requests are always 401."""

from __future__ import annotations

import copy
import json
from collections import Counter
from typing import Any
from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ALICE, BOB
from tests.fakes.slack_api import TEAM
from tests.slack_requests import event_body, signed_headers

SIGNED_EXAMPLES = 300
UNSIGNED_EXAMPLES = 100


def fuzz(examples: int) -> settings:
    """Bounded, repeatable (derandomized) and quiet about fixtures shared across examples."""
    return settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))

USER = {"id": ALICE, "team_id": TEAM, "locale": "en-US"}
MESSAGE = {"type": "message", "channel": "C0GENERAL", "ts": "1700000000.000200"}
EVENTS = [
    {"type": "reaction_added", "user": ALICE, "reaction": "raised_hands", "item_user": BOB, "item": MESSAGE},
    {"type": "reaction_removed", "user": ALICE, "reaction": "raised_hands", "item_user": BOB, "item": MESSAGE},
    {"type": "app_home_opened", "user": ALICE, "tab": "home", "channel": "D1"},
    {"type": "team_join", "user": {"id": "U0NEW0001", "team_id": TEAM}},
    {"type": "message", "channel_type": "im", "user": ALICE, "text": "hi", "channel": "D1", "ts": "1.2"},
]
INTERACTIONS = [
    {"type": "block_actions", "team": {"id": TEAM, "domain": "x"}, "user": USER, "trigger_id": "1.2.abc",
     "actions": [{"action_id": "kudos.open_form", "value": "x", "type": "button"}],
     "channel": {"id": "C0GENERAL"}, "container": {"type": "message", "channel_id": "C0GENERAL"}},
    {"type": "view_submission", "team": {"id": TEAM}, "user": USER, "trigger_id": "1.2.abc",
     "view": {"id": "V1", "type": "modal", "callback_id": "kudos.form", "hash": "1.a", "private_metadata": "C1",
              "state": {"values": {
                  "receivers": {"input": {"type": "multi_users_select", "selected_users": [BOB]}},
                  "message": {"input": {"type": "plain_text_input", "value": "thanks"}},
                  "values": {"input": {"type": "multi_static_select",
                                       "selected_options": [{"value": "ownership"}]}}}}}},
    {"type": "view_closed", "team": {"id": TEAM}, "user": USER, "view": {"id": "V1", "type": "modal"}},
    {"type": "shortcut", "team": {"id": TEAM}, "user": USER, "callback_id": "give_kudos", "trigger_id": "1.2.x"},
    {"type": "message_action", "team": {"id": TEAM}, "user": USER, "callback_id": "give_kudos",
     "trigger_id": "1.2.y", "channel": {"id": "C0GENERAL"}, "message": {"user": BOB, "text": "hi", "ts": "1.2"}},
]
COMMAND = {"team_id": TEAM, "team_domain": "x", "channel_id": "C0GENERAL", "user_id": ALICE,
           "command": "/kudos", "text": f"<@{BOB}> thanks #ownership", "trigger_id": "1.2.z"}

texts = st.one_of(
    st.text(max_size=30), st.sampled_from(["\x00", "x" * 5000, f"<@{BOB}>", "#notavalue", "١٢٣", "", "/cx stats"])
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path into a nested dict/list (the places a mutation may replace)."""
    found = [prefix] if prefix else []
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, child in children:
        found += paths(child, (*prefix, key))
    return found


def mutated(template: dict[str, Any], values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """The template with up to three of its fields replaced (or dropped)."""
    changes = st.lists(st.tuples(st.sampled_from(paths(template)), values | st.just(...)), max_size=3)

    def apply(edits: list[tuple[tuple[Any, ...], Any]]) -> dict[str, Any]:
        body = copy.deepcopy(template)
        for path, value in edits:
            _replace(body, path, value)
        return body

    return changes.map(apply)


def _replace(body: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    """Set (or, for `...`, drop) the value at `path`, if an earlier edit left the path there."""
    parent: Any = body
    for key in path[:-1]:
        if (isinstance(parent, dict) and key in parent) or (isinstance(parent, list) and isinstance(key, int) and key < len(parent)):
            parent = parent[key]
        else:
            return
    last = path[-1]
    if isinstance(parent, dict):
        if value is ...:
            parent.pop(last, None)
        else:
            parent[last] = value
    elif isinstance(parent, list) and isinstance(last, int) and last < len(parent):
        parent[last] = None if value is ... else value


def signed_requests() -> st.SearchStrategy[tuple[str, bytes, str]]:
    # random JSON anywhere (mostly refused as malformed), or odd text in the right places (mostly accepted)
    kinds = (json_values, texts)
    events = [mutated(json.loads(event_body(event)), kind).map(
        lambda body, label=event["type"]: (label, json.dumps(body).encode(), "application/json"))
        for event in EVENTS for kind in kinds]
    interactions = [mutated(payload, kind).map(
        lambda body, label=payload["type"]: (label, urlencode({"payload": json.dumps(body)}).encode(),
                                             "application/x-www-form-urlencoded"))
        for payload in INTERACTIONS for kind in kinds]
    commands = mutated(COMMAND, texts).map(
        lambda body: ("command", urlencode(body).encode(), "application/x-www-form-urlencoded"))
    return st.one_of([*events, *interactions, commands])


def test_signed_hostile_payloads_never_5xx(slack, capsys):
    seen: Counter[tuple[str, int]] = Counter()

    @fuzz(SIGNED_EXAMPLES)
    @given(request=signed_requests())
    def post(request: tuple[str, bytes, str]) -> None:
        kind, body, content_type = request
        headers = signed_headers(body.decode(), content_type=content_type)
        response = slack.client.post(slack.url, content=body, headers=headers)
        seen[(kind, response.status_code)] += 1
        assert response.status_code < 500, (body[:300], response.status_code, response.text[:300])

    post()
    with capsys.disabled():
        print("\n/slack/events signed: " + ", ".join(f"{k} {s}: {n}" for (k, s), n in sorted(seen.items())))


# what HTTP lets through a header (control characters are refused by the HTTP layer itself, as 400)
header_text = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40).map(str.strip) | st.sampled_from(["abc", "", "1.5", "0x10", "1e3", "١٧٠٠", "9" * 400])


def test_unsigned_noise_is_always_401(slack, sql, capsys):
    seen: Counter[int] = Counter()

    @fuzz(UNSIGNED_EXAMPLES)
    @given(body=st.binary(max_size=300), stamp=header_text, signature=header_text, fresh=st.booleans())
    def post(body: bytes, stamp: str, signature: str, fresh: bool) -> None:
        headers = signed_headers("anything") if fresh else {}
        headers["X-Slack-Signature"] = signature.encode("utf-8")  # type: ignore[assignment]
        if not fresh:
            headers["X-Slack-Request-Timestamp"] = stamp.encode("utf-8")  # type: ignore[assignment]
        response = slack.client.post(slack.url, content=body, headers=headers)
        seen[response.status_code] += 1
        assert response.status_code == 401, (body, headers, response.status_code)

    post()
    with capsys.disabled():
        print(f"\n/slack/events unsigned: {dict(seen)}")
    from tests.conftest import scalar

    assert scalar(sql, "select count(*) from member") == 0
