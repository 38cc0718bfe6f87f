"""A refused kudos never breaks the workspace's next one (the values cache holds plain data)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from programs.reward import values
from tests.conftest import ALICE, BOB, DAVE, scalar


class Clock:
    """A monotonic clock the test moves forward by hand."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Iterator[Clock]:
    fake = Clock()
    real = values._cache.clock
    values._cache.clock = fake
    yield fake
    values._cache.clock = real


def test_refused_value_then_valid_kudos_from_another_member(slack, sql, clock):
    # everyone involved has made first contact, and the values are seeded and cached
    assert "Kudos sent" in slack.command("/kudos", f"<@{BOB}> warm-up #ownership", user=DAVE).json()["text"]
    assert "Kudos sent" in slack.command("/kudos", f"<@{DAVE}> thanks", user=ALICE).json()["text"]
    clock.now += 61  # more than a minute after the last kudos: the cache reloads on the next read

    refused = slack.command("/kudos", f"<@{BOB}> hi #notavalue", user=ALICE)
    assert refused.status_code == 200
    assert "#notavalue is not one of our values" in refused.json()["text"]

    accepted = slack.command("/kudos", f"<@{BOB}> ok #customer-first", user=DAVE)
    assert accepted.status_code == 200
    assert "Kudos sent to @Bob" in accepted.json()["text"], accepted.text
    assert scalar(sql, "select count(*) from kudos") == 3
    tagged = scalar(sql, "select count(*) from kudos_tag t join kudos_value v on v.id = t.value_id "
                         "where v.slug = 'customer-first'")
    assert tagged == 1
