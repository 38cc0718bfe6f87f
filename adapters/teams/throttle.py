"""Teams' per-conversation limits, applied before each send so the outbox waits, not the worker."""

from __future__ import annotations

from bot import throttle

# (seconds, messages) per conversation, as Microsoft documents for bots
WINDOWS: tuple[tuple[float, int], ...] = ((1.0, 7), (2.0, 8), (30.0, 60), (3600.0, 1800))


class ConversationLimiter(throttle.ConversationLimiter):
    """The engine's sliding-window limiter with Teams' windows."""

    def __init__(self, windows: tuple[tuple[float, int], ...] = WINDOWS) -> None:
        super().__init__(windows)
