"""Token buckets: how fast a worker may call a platform for one workspace/tenant."""

from __future__ import annotations

import time
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
