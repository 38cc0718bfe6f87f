"""Results arithmetic, pure: distributions, means, eNPS, audit block scores, and suppression.

Suppression (FIVEFOLD_ANONYMITY_THRESHOLD = k): a group of fewer than k
respondents is not shown; comments need 2k. Within a break-down, when the
hidden groups of one parent add up to fewer than k (so "parent minus the shown
groups" would reveal them), the smallest shown groups are hidden too, until the
hidden ones hold at least k or nothing is shown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

G = TypeVar("G", bound=Hashable)


@dataclass(frozen=True)
class Enps:
    """Promoters (9–10), passives (7–8), detractors (0–6) and the score (% promoters − % detractors)."""

    promoters: int
    passives: int
    detractors: int
    score: float


def enps(distribution: Mapping[int, int]) -> Enps | None:
    """eNPS of a 0–10 distribution, one decimal; None without answers."""
    total = sum(distribution.values())
    if not total:
        return None
    promoters = sum(n for value, n in distribution.items() if value >= 9)
    detractors = sum(n for value, n in distribution.items() if value <= 6)
    passives = total - promoters - detractors
    return Enps(promoters, passives, detractors, round(100 * (promoters - detractors) / total, 1))


def _exact_mean(distribution: Mapping[int, int]) -> float | None:
    total = sum(distribution.values())
    return sum(value * n for value, n in distribution.items()) / total if total else None


def mean(distribution: Mapping[int, int]) -> float | None:
    """The mean answer, two decimals; None without answers."""
    average = _exact_mean(distribution)
    return None if average is None else round(average, 2)


def likert_score(distribution: Mapping[int, int]) -> float | None:
    """A 1–5 Likert distribution on a 0–100 scale (1 → 0, 5 → 100), one decimal (of the exact mean)."""
    average = _exact_mean(distribution)
    return None if average is None else round((average - 1) * 25, 1)


def block_score(distributions: list[Mapping[int, int]]) -> float | None:
    """A building block's 0–100 score: every answer to its statements, pooled."""
    pooled: Counter[int] = Counter()
    for distribution in distributions:
        pooled.update(distribution)
    return likert_score(pooled)


def hidden_groups(counts: Mapping[G, int], threshold: int) -> set[G]:
    """The groups of one parent to suppress: the small ones, and enough others that none can be derived.

    `counts` holds every group of the parent (whose own total is shown), so the
    hidden groups' total is always derivable; it must be 0 or at least `threshold`.
    """
    hidden = {group for group, n in counts.items() if n < threshold}
    shown = sorted((n, repr(group), group) for group, n in counts.items() if group not in hidden)
    while 0 < sum(counts[group] for group in hidden) < threshold and shown:
        hidden.add(shown.pop(0)[2])
    return hidden
