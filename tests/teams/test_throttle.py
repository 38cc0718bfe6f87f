"""Teams' per-conversation windows, as the worker's pacer applies them."""

from __future__ import annotations

import asyncio

import pytest

from adapters.teams.throttle import WINDOWS
from bot.pace_store import MemoryPaceStore
from bot.pacer import Budget, Pacer
from bot.throttle import PaceProfile, windows_of


def test_a_second_message_to_one_conversation_waits_for_the_strictest_window_and_others_do_not():
    budget = Budget(1, "teams:t", PaceProfile(start=50.0, ceiling=50.0, burst=50), windows_of(WINDOWS))
    slots = asyncio.run(Pacer(MemoryPaceStore()).plan(budget, ["a", "a", "b"]))
    first, second, other = slots.slots
    assert first.delay is not None and other.delay is not None
    assert second.delay is None and second.reason == "conversation_limit"
    assert second.retry_in == pytest.approx(3600.0 / 1800, abs=0.01)  # 1,800 an hour, evenly spaced
