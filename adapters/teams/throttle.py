"""Teams' per-conversation limits, applied before each send so the outbox waits, not the worker."""

from __future__ import annotations

import time
from collections import deque

# (seconds, messages) per conversation, as Microsoft documents for bots
WINDOWS: tuple[tuple[float, int], ...] = ((1.0, 7), (2.0, 8), (30.0, 60), (3600.0, 1800))


class ConversationLimiter:
    """Sliding windows of recent sends, one history per conversation."""

    def __init__(self, windows: tuple[tuple[float, int], ...] = WINDOWS) -> None:
        self.windows = windows
        self.horizon = max(span for span, _ in windows)
        self._sent: dict[str, deque[float]] = {}

    def acquire(self, conversation: str) -> float:
        """Record a send and return 0 if allowed now, else the seconds to wait (not recorded)."""
        now = time.monotonic()
        sent = self._sent.setdefault(conversation, deque())
        while sent and sent[0] <= now - self.horizon:
            sent.popleft()
        wait = 0.0
        for span, limit in self.windows:
            if len(sent) >= limit and sent[-limit] > now - span:
                wait = max(wait, sent[-limit] + span - now)
        if wait == 0.0:
            sent.append(now)
        return wait
