"""Keeping `survey_tally` in step with the responses written (or removed) in the same transaction."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import dialect_of, upsert_insert
from programs.engage.models import SurveyTally

TALLY = SurveyTally.__table__  # type: ignore[attr-defined]
RESPONDENTS = ""  # the `question` of the respondent count
INVITED = "@invited"  # … and of the invitations, by the invitee's segment when the round opened
Cell = tuple[int, str, str, str, str, int]


def cells(rows: Iterable[dict[str, Any]]) -> Counter[Cell]:
    """How many respondents, answers of each numeric value, and comments, per round and segment."""
    found: Counter[Cell] = Counter()
    for row in rows:
        segment = (row.get("department") or "", row.get("location") or "", row.get("country") or "")
        found[(row["round_id"], RESPONDENTS, *segment, 0)] += 1
        for key, value in (row.get("answers") or {}).items():
            if isinstance(value, int) and not isinstance(value, bool):
                found[(row["round_id"], key, *segment, value)] += 1
            elif isinstance(value, str):  # a comment: counted (as value 0), so results know when to read them
                found[(row["round_id"], key, *segment, 0)] += 1
    return found


def invitations(round_id: int, segments: Iterable[tuple[str | None, str | None, str | None]]) -> Counter[Cell]:
    """How many members of each (department, location, country) a round invited."""
    return Counter((round_id, INVITED, d or "", loc or "", c or "", 0) for d, loc, c in segments)


async def add_to_tally(session: AsyncSession, rows: Iterable[dict[str, Any]], *, sign: int = 1) -> None:
    """Count `rows` (response column values) in, or out with `sign` -1."""
    await add_cells(session, cells(rows), sign=sign)


async def add_cells(session: AsyncSession, counted: Counter[Cell], *, sign: int = 1) -> None:
    """Add counted cells to the tally (one upsert statement, executemany)."""
    if not counted:
        return
    insert = upsert_insert(dialect_of(session))(TALLY)
    statement = insert.values(
        round_id=bindparam("r"), question=bindparam("q"), department=bindparam("d"), location=bindparam("l"),
        country=bindparam("c"), value=bindparam("v"), count=bindparam("n"),
    ).on_conflict_do_update(
        index_elements=["round_id", "question", "department", "location", "country", "value"],
        set_={"count": TALLY.c.count + insert.excluded.count},
    )
    params = [{"r": r, "q": q, "d": d, "l": loc, "c": c, "v": v, "n": sign * n}
              for (r, q, d, loc, c, v), n in sorted(counted.items())]
    await session.execute(statement, params)
