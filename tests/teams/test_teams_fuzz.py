"""Authenticated but hostile activities: never a 5xx, never a server exception, 400 stores nothing.

Hypothesis mutates real-shaped activities (a field replaced by another JSON type,
NUL bytes, over-long text, deep nesting, unknown invokes) and posts them with a
valid channel JWT to the served app, on both databases.
"""

from __future__ import annotations

import copy
import logging
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import scalar
from tests.teams.activities import PEOPLE, activity, mention, message

EXAMPLES = int(os.environ.get("FIVEFOLD_FUZZ_EXAMPLES", "100"))  # more for a longer hunt
PATHS = [
    ("entities",), ("channelData",), ("channelData", "tenant"), ("channelData", "tenant", "id"),
    ("channelData", "team"), ("from",), ("from", "id"), ("from", "aadObjectId"), ("from", "name"),
    ("recipient",), ("recipient", "id"), ("conversation",), ("conversation", "id"),
    ("conversation", "tenantId"), ("conversation", "conversationType"), ("conversation", "isGroup"),
    ("text",), ("type",), ("id",), ("locale",), ("value",), ("name",), ("timestamp",),
    ("membersAdded",), ("attachments",), ("replyToId",), ("channelId",), ("entities", 0),
    ("entities", 0, "mentioned"), ("entities", 1, "mentioned", "id"), ("textFormat",),
]
LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False),
    st.text(max_size=40), st.just("a\x00b"), st.just("x" * 50_000), st.just("\ud800"),
)
JSON = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
INVOKES = st.sampled_from([
    "composeExtension/fetchTask", "composeExtension/submitAction", "composeExtension/query",
    "adaptiveCard/action", "task/fetch", "task/submit", "signin/verifyState", "actionableMessage/executeAction",
    "", "x" * 300,
])


def _set(body: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    target: Any = body
    for key in path[:-1]:
        try:
            target = target[key]
        except (KeyError, IndexError, TypeError):
            return
    try:
        target[path[-1]] = value
    except (IndexError, TypeError):
        return


def _deep(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = {"a": [value]}
    return value


@st.composite
def hostile_activities(draw: st.DrawFn, service_url: str) -> dict[str, Any]:
    kind = draw(st.sampled_from(["message", "invoke", "conversationUpdate", "installationUpdate"]))
    if kind == "message":
        body = message("kudos {bob} thanks #empathy", service_url, mentions=("bob",))
        body["entities"].append(mention(PEOPLE["carol"], with_aad=False))
    else:
        body = activity(kind, service_url, name=draw(INVOKES), value={"commandId": "giveKudos"})
    body = copy.deepcopy(body)
    for path in draw(st.lists(st.sampled_from(PATHS), min_size=1, max_size=3)):
        _set(body, path, draw(JSON))
    if draw(st.booleans()):
        _set(body, ("value",), _deep(draw(st.integers(10, 200))))
    return body


def counts(sql) -> tuple[int, ...]:
    tables = ("kudos", "member", "teams_account")
    return tuple(scalar(sql, f"select count(*) from {table}") for table in tables)


def test_hostile_activities_never_5xx(teams, bot_framework, sql, caplog):
    token = bot_framework.token()
    statuses: dict[int, int] = {}

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(hostile_activities(bot_framework.url))
    def post(body: dict[str, Any]) -> None:
        before = counts(sql)
        response = teams.post(body, token)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        assert response.status_code < 500, (response.status_code, response.text, body)
        if response.status_code == 400:
            assert counts(sql) == before, body

    with caplog.at_level(logging.WARNING):
        post()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert errors == [], [r.getMessage() for r in errors]
    assert statuses.get(400), statuses  # the hostile ones were refused, not silently taken
    print(f"/api/messages fuzz: {sum(statuses.values())} activities, statuses {sorted(statuses.items())}")


def test_known_malformations_are_400_and_store_nothing(teams, bot_framework, sql):
    cases: list[tuple[tuple[Any, ...], Any]] = [
        (("entities",), 0), (("channelData",), 5), (("from", "name"), "Al\x00ice"),
        (("conversation", "id"), "a:" + "x" * 5000), (("text",), "kudos " + "x" * 40_000),
        (("from", "aadObjectId"), "y" * 65), (("membersAdded",), "everyone"),
    ]
    for path, value in cases:
        body = copy.deepcopy(message("kudos {bob} thanks", bot_framework.url, mentions=("bob",)))
        _set(body, path, value)
        response = teams.post(body, bot_framework.token())
        assert response.status_code == 400, (path, response.status_code)
    assert counts(sql) == (0, 0, 0)


def test_unknown_invokes_get_a_clean_not_supported_answer(teams, bot_framework):
    for name in ("composeExtension/query", "task/fetch", "signin/verifyState"):
        body = activity("invoke", bot_framework.url, name=name, value={})
        response = teams.post(body, bot_framework.token())
        assert response.status_code == 200, (name, response.status_code, response.text)
        assert "can't do that yet" in response.text
