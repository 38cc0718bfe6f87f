"""A round's results as the API, the CLI, CSV and the owner's summary show them — always suppressed.

Every output goes through `survey_results`, so the anonymity rules (see
`programs.engage.scoring`) hold the same everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.i18n import Translator
from bot.models import utcnow
from programs.engage import aggregates
from programs.engage.aggregates import Group
from programs.engage.audit import audit_section
from programs.engage.models import Survey, SurveyRound
from programs.engage.questions import Question, questions_of
from programs.engage.scoring import enps, hidden_groups, likert_score, mean
from programs.engage.settled import round_counts
from programs.engage.templates import CHOICE, LIKERT, SCALE, TEXT

Cell = dict[str, Any]


def suppressed(threshold: int, *, comments: bool = False, derivable: bool = False) -> Cell:
    """A cell that is not shown, saying why."""
    if derivable:
        reason = "hidden so that a smaller group cannot be derived by subtraction"
    elif comments:
        reason = f"comments are shown for at least {2 * threshold} answers"
    else:
        reason = f"fewer than {threshold} respondents"
    return {"suppressed": True, "reason": reason}


def question_cell(question: Question, counts: Counter[int], t: Translator) -> Cell:
    """Distribution, mean, and the kind's score of one question over one group."""
    cell: Cell = {"answers": sum(counts.values())}
    if question.kind == CHOICE:
        labels = dict(question.options(t))
        cell["distribution"] = {labels[str(v)]: counts.get(v, 0) for v in range(len(question.choices))}
        return cell
    values = range(11) if question.kind == SCALE else range(1, 6)
    cell["distribution"] = {str(v): counts.get(v, 0) for v in values}
    cell["mean"] = mean(counts)
    if question.kind == SCALE:
        score = enps(counts)
        cell["enps"] = None if score is None else {"score": score.score, "promoters": score.promoters,
                                                   "passives": score.passives, "detractors": score.detractors}
    elif question.kind == LIKERT:
        cell["score"] = likert_score(counts)
    return cell


def _question_cells(survey: Survey, found: aggregates.Counts) -> dict[str, dict[tuple[int, Group], Counter[int]]]:
    return {q.key: found.of(q.key) for q in questions_of(survey.questions)}


async def survey_results(session: AsyncSession, survey: Survey, round_: SurveyRound, *, by: Sequence[str],
                         threshold: int, t: Translator) -> dict[str, Any]:
    """The round's results, its break-down by `by` (one or two attributes) and the trend across rounds."""
    assert round_.id is not None
    rounds = (await session.execute(select(SurveyRound).where(SurveyRound.survey_id == survey.id)
                                    .order_by(col(SurveyRound.opened_at), col(SurveyRound.id)))).scalars().all()
    now = utcnow()
    found = await round_counts(session, rounds, (), now)  # every round: the trend needs them all
    totals = {rid: n for (rid, _g), n in found.respondents.items()}
    counts = _question_cells(survey, found)
    responded = totals.get(round_.id, 0)
    invited = round_.invited  # participation rows are written once, when the round opens
    result: dict[str, Any] = {
        "survey_id": survey.id, "survey": survey.name, "round_id": round_.id, "anonymity_threshold": threshold,
        "invited": invited, "responded": responded,
        "participation": round(100 * responded / invited, 1) if invited else None,
        "closed": round_.closed_at is not None,
        "questions": await _questions(session, survey, round_.id, responded, counts, threshold, t),
        "trend": [_trend_point(survey, r, totals.get(r.id or 0, 0), counts, threshold, t) for r in rounds],
    }
    if by:
        result["breakdown"] = await _breakdown(session, survey, round_, list(by), threshold, t, now)
    if survey.template == "cx_audit":
        result["audit"] = audit_section(survey, round_.id, rounds[0].id if rounds else None, totals, counts,
                                        threshold, t)
    return result


async def _questions(session: AsyncSession, survey: Survey, round_id: int, responded: int,
                     counts: dict[str, dict[tuple[int, Group], Counter[int]]], threshold: int,
                     t: Translator) -> list[Cell]:
    cells = []
    for question in questions_of(survey.questions):
        head: Cell = {"key": question.key, "kind": question.kind, "text": question.shown(t)}
        if question.kind == TEXT:
            written = sum(counts[question.key].get((round_id, ()), Counter()).values())  # from the tally
            ok = written >= 2 * threshold
            texts = await aggregates.comments(session, round_id, question.key) if ok else []
            cells.append({**head, **({"comments": texts} if ok else suppressed(threshold, comments=True))})
        elif responded < threshold:
            cells.append({**head, **suppressed(threshold)})
        else:
            cells.append({**head, **question_cell(question, counts[question.key].get((round_id, ()), Counter()), t)})
    return cells


def _trend_point(survey: Survey, round_: SurveyRound, n: int, counts: dict[str, dict[tuple[int, Group], Counter[int]]],
                 threshold: int, t: Translator) -> Cell:
    point: Cell = {"round_id": round_.id, "opened_on": round_.opened_at.date().isoformat(), "invited": round_.invited,
                   "respondents": n, "participation": round(100 * n / round_.invited, 1) if round_.invited else None}
    if n < threshold:
        return {**point, **suppressed(threshold)}
    scores: dict[str, Any] = {}
    for question in questions_of(survey.questions):
        if question.kind in (SCALE, LIKERT):
            cell = question_cell(question, counts[question.key].get((round_.id or 0, ()), Counter()), t)
            scores[question.key] = (cell["enps"] or {}).get("score") if question.kind == SCALE else cell["score"]
    return {**point, "scores": scores}


async def _breakdown(session: AsyncSession, survey: Survey, round_: SurveyRound, by: list[str], threshold: int,
                     t: Translator, now: dt.datetime) -> Cell:
    round_id = round_.id or 0
    found = await round_counts(session, [round_], by, now)
    sizes = {group: n for (_r, group), n in found.respondents.items()}
    hidden = _hidden(sizes, len(by), threshold)
    invited = {group: n for (_r, group), n in found.invited.items()}
    counts = _question_cells(survey, found)
    groups = []
    for group in sorted(set(sizes) | set(invited), key=lambda g: tuple(str(v) for v in g)):
        head: Cell = {"group": dict(zip(by, group, strict=True)), "invited": invited.get(group, 0)}
        n = sizes.get(group, 0)
        if group in hidden or n == 0:
            groups.append({**head, **suppressed(threshold, derivable=n > 0 and n >= threshold)})
            continue
        questions = [{"key": q.key, **question_cell(q, counts[q.key].get((round_id, group), Counter()), t)}
                     for q in questions_of(survey.questions) if q.kind != TEXT]
        groups.append({**head, "respondents": n, "questions": questions})
    return {"by": by, "groups": groups}


def _hidden(sizes: dict[Group, int], depth: int, threshold: int) -> set[Group]:
    """Groups to hide: at the first level against the round, at the second within each first-level group."""
    parents: Counter[Group] = Counter()
    for group, n in sizes.items():
        parents[group[:1]] += n
    hidden_parents = hidden_groups(parents, threshold)
    hidden = {g for g in sizes if g[:1] in hidden_parents}
    if depth == 2:
        for parent in parents:
            children = {g: n for g, n in sizes.items() if g[:1] == parent}
            hidden |= hidden_groups(children, threshold)
    return hidden
