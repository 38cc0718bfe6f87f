"""Pacing: token buckets per workspace/tenant, sliding windows per conversation."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    """A classic token bucket; `delay()` says how long to wait before the next call."""

    rate: float
    burst: int
    tokens: float = field(init=False)
    stamp: float = field(init=False)

    def __post_init__(self) -> None:
        self.tokens = float(self.burst)
        self.stamp = time.monotonic()

    def _refill(self, now: float) -> None:
        self.tokens = min(float(self.burst), self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def take(self) -> float:
        """Take one token; returns the seconds to wait before using it (0 when ready)."""
        now = time.monotonic()
        self._refill(now)
        self.tokens -= 1.0
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate

    def refund(self) -> None:
        """Give back one token: the call it was taken for did not reach the platform."""
        self.tokens = min(float(self.burst), self.tokens + 1.0)

    def pause(self, seconds: float) -> None:
        """Empty the bucket for `seconds` (the platform said Retry-After)."""
        self._refill(time.monotonic())
        self.tokens = min(self.tokens, -seconds * self.rate)


class Buckets:
    """One bucket per key (platform + tenant), created on first use."""

    def __init__(self) -> None:
        self._buckets: dict[str, TokenBucket] = {}

    def get(self, key: str, rate: float, burst: int) -> TokenBucket:
        """The bucket for `key`, created with `rate` and `burst` when new."""
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket(rate=rate, burst=burst)
        return bucket


class ConversationLimiter:
    """Sliding windows of recent sends, one history per conversation.

    A platform's per-conversation limits (Slack: about one message a second per
    channel; Teams: 7 a second, 60 in 30 s, …) checked before a send, so a busy
    conversation's message waits in the outbox while the others go out. Messages
    told to wait get successive slots, so a burst into one channel is spread out
    instead of coming back all at once (and filling the worker's next batch).
    """

    def __init__(self, windows: tuple[tuple[float, int], ...]) -> None:
        self.windows = windows  # (seconds, messages at most in that many seconds)
        self.horizon = max(span for span, _ in windows)
        self._sent: dict[str, deque[float]] = {}
        self._reserved: dict[str, float] = {}  # conversation → the last slot handed out

    def acquire(self, conversation: str) -> float:
        """Record a send and return 0 if allowed now, else the seconds until this message's slot."""
        now = time.monotonic()
        sent = self._sent.setdefault(conversation, deque())
        while sent and sent[0] <= now - self.horizon:
            sent.popleft()
        wait, spacing = 0.0, 0.0
        for span, limit in self.windows:
            if len(sent) >= limit and sent[-limit] > now - span:
                wait = max(wait, sent[-limit] + span - now)
                spacing = max(spacing, span / limit)
        if wait == 0.0:
            sent.append(now)
            if self._reserved.get(conversation, now) <= now:
                self._reserved.pop(conversation, None)  # every slot handed out has passed
            return 0.0
        slot = max(now + wait, self._reserved.get(conversation, 0.0) + spacing)
        self._reserved[conversation] = slot
        return slot - now
