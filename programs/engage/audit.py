"""The CX maturity audit's section of the results: a 0–100 score per building block,
the change against the baseline (first) round, and the three weakest blocks with their statements."""

from __future__ import annotations

from collections import Counter
from typing import Any

from bot.i18n import Translator
from programs.engage.models import Survey
from programs.engage.questions import questions_of
from programs.engage.scoring import block_score, likert_score
from programs.engage.templates import block_titles

WEAKEST = 3


def audit_section(survey: Survey, round_id: int, baseline_id: int | None, totals: dict[int, int],
                  counts: dict[str, dict[tuple[int, tuple[Any, ...]], Counter[int]]], threshold: int,
                  t: Translator) -> dict[str, Any]:
    """Block scores of `round_id` (suppressed below the threshold), against the baseline round."""
    if totals.get(round_id, 0) < threshold:
        return {"suppressed": True, "reason": f"fewer than {threshold} respondents"}
    baseline_ok = baseline_id is not None and baseline_id != round_id and totals.get(baseline_id, 0) >= threshold
    questions = questions_of(survey.questions)
    blocks = []
    for block, title in block_titles().items():
        statements = [q for q in questions if q.block == block]
        now = block_score([counts[q.key].get((round_id, ()), Counter()) for q in statements])
        then = block_score([counts[q.key].get((baseline_id or 0, ()), Counter()) for q in statements]) \
            if baseline_ok else None
        blocks.append({
            "block": block, "title": t._(title), "score": now,
            "change": round(now - then, 1) if now is not None and then is not None else None,
            "statements": [{"key": q.key, "text": q.shown(t),
                            "score": likert_score(counts[q.key].get((round_id, ()), Counter()))}
                           for q in statements],
        })
    scored = sorted((b for b in blocks if b["score"] is not None), key=lambda b: (b["score"], b["block"]))
    return {"baseline_round_id": baseline_id if baseline_ok else None, "blocks": blocks,
            "weakest": [{"block": b["block"], "title": b["title"], "score": b["score"],
                         "statements": b["statements"]} for b in scored[:WEAKEST]]}
