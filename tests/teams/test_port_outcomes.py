"""How connector answers become send outcomes (what the outbox does next)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from msrest.exceptions import HttpOperationError

from adapters.teams.port import classify
from bot.platform import Outcome


@dataclass
class Answer:
    status_code: int
    headers: dict[str, str] = field(default_factory=dict)


def error(status: int, **headers: str) -> HttpOperationError:
    failure = HttpOperationError.__new__(HttpOperationError)
    failure.response = Answer(status, {k.replace("_", "-"): v for k, v in headers.items()})
    return failure


@pytest.mark.parametrize("status", [429, 412, 502, 504])
def test_throttling_and_gateway_errors_retry_after_the_platform_says(status):
    result = classify(error(status, Retry_After="7"))
    assert (result.outcome, result.retry_after) == (Outcome.RETRY_AFTER, 7.0)


@pytest.mark.parametrize("status", [429, 502, 500, 401])
def test_without_retry_after_they_back_off(status):
    assert classify(error(status)).outcome is Outcome.TRANSIENT


@pytest.mark.parametrize("status", [403, 404])
def test_blocked_or_gone_members_are_unreachable(status):
    result = classify(error(status))
    assert (result.outcome, result.reason) == (Outcome.PERMANENT, "unreachable")


def test_bad_requests_are_permanent():
    assert classify(error(400)).outcome is Outcome.PERMANENT
