"""Net Promoter Score: the same arithmetic as eNPS (promoters 9–10, detractors 0–6)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Score:
    """Counts and the score (percentage of promoters minus detractors, one decimal)."""

    responses: int
    promoters: int
    passives: int
    detractors: int

    @property
    def nps(self) -> float | None:
        """The score from -100.0 to 100.0; None without responses."""
        if not self.responses:
            return None
        return round((self.promoters - self.detractors) * 100 / self.responses, 1)


def nps_of(scores: Iterable[int]) -> Score:
    """Count promoters (9–10), passives (7–8) and detractors (0–6)."""
    values = list(scores)
    promoters = sum(1 for s in values if s >= 9)
    detractors = sum(1 for s in values if s <= 6)
    return Score(len(values), promoters, len(values) - promoters - detractors, detractors)
