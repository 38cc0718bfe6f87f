"""Teams' limits: per conversation as Microsoft documents for bots, and where a tenant's rate starts."""

from __future__ import annotations

# (seconds, messages) per conversation
WINDOWS: tuple[tuple[float, int], ...] = ((1.0, 7), (2.0, 8), (30.0, 60), (3600.0, 1800))
# Teams allows about 30–50 requests a second per app and tenant: start below, let 429s tell the rest
START_RATE, MAX_RATE = 10.0, 50.0
