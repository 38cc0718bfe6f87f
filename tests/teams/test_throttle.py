"""Teams' per-conversation windows."""

from __future__ import annotations

from adapters.teams.throttle import ConversationLimiter


def test_eighth_message_in_a_second_waits_and_other_conversations_do_not():
    limiter = ConversationLimiter()
    assert [limiter.acquire("a") for _ in range(7)] == [0.0] * 7
    wait = limiter.acquire("a")
    assert 0.0 < wait <= 1.0
    assert limiter.acquire("b") == 0.0


def test_longer_windows_apply():
    limiter = ConversationLimiter(windows=((30.0, 3),))
    assert [limiter.acquire("a") for _ in range(3)] == [0.0] * 3
    assert 29.0 < limiter.acquire("a") <= 30.0
