"""The counts results read: the tally against a recount, one query against three, settled rounds kept in memory."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import select, text

from bot.db import Database
from programs.engage import aggregates, settled
from programs.engage.models import SurveyResponse, SurveyRound
from programs.engage.pool import Sealer, pool_answer
from programs.engage.tally import INVITED, add_cells, cells, invitations
from tests.bench.answers import seed
from tests.conftest import ALICE, BOB, CAROL, scalar, wait_until
from tests.engage.conftest import THRESHOLD, create_survey, setup_world, submit, write_responses

SALES_EMEA = {"department": "Sales", "location": "EMEA", "country": "PL"}
SALES_APAC = {"department": "Sales", "location": "APAC", "country": None}
LEGAL = {"department": "Legal", "location": "EMEA", "country": "UA"}
TEXT_TOO = [{"kind": "scale_0_10", "text": "Recommend us?"}, {"kind": "likert_1_5", "text": "Tools?"},
            {"kind": "text", "text": "Anything else?", "optional": True}]


def _tally(sql: Any) -> Counter[tuple[Any, ...]]:
    with sql.connect() as conn:
        rows = conn.execute(text("select round_id, question, department, location, country, value, count "
                                 "from survey_tally where question <> :invited and count <> 0"), {"invited": INVITED})
        return Counter({tuple(row[:6]): row[6] for row in rows})


def _recount(sql: Any) -> Counter[tuple[Any, ...]]:
    with sql.connect() as conn:
        rows = conn.execute(select(SurveyResponse.__table__)).mappings().all()  # type: ignore[attr-defined]
    return Counter(cells(dict(row) for row in rows))


def test_the_tally_equals_a_recount_after_answers_batches_and_a_topped_up_close(surveyed, sql, database_url):
    slack, api = setup_world(surveyed, sql, database_url)
    survey_id = create_survey(api, questions=TEXT_TOO)
    round_id = int(api.post(f"/api/v1/surveys/{survey_id}/send-now").json()["round_id"])
    secret = surveyed.settings.secret_key.get_secret_value()
    write_responses(database_url, round_id, [(SALES_EMEA, {"q1": 10, "q2": 4, "q3": "More plants"}),
                                             (SALES_APAC, {"q1": 0, "q2": 1}), (LEGAL, {"q1": 7, "q2": 5}),
                                             (LEGAL, {"q1": 7, "q2": 5, "q3": "Quiet rooms"})], secret)
    # members answering the form in Slack: pooled, then written by the flush tick once THRESHOLD have answered
    for index, person in enumerate([ALICE, BOB, CAROL]):
        form = submit(person, f"{round_id}:", {"q1": str(index + 8), "q2": "4", "text:q3": f"Idea {index}"},
                      view_id=f"V0COUNT{index}")
        assert slack.interaction(form).status_code == 200
    wait_until(lambda: scalar(sql, "select count(*) from survey_pool") == 0, message="the pool flushed")
    # a smaller last batch is topped up with responses already written: they must not be counted twice
    write_responses(database_url, round_id, [(SALES_EMEA, {"q1": 9, "q2": 3})], secret)
    write_responses(database_url, round_id, [(LEGAL, {"q1": 2, "q2": 2})] * (THRESHOLD - 1), secret)
    assert api.post(f"/api/v1/rounds/{round_id}/close").status_code == 200
    assert scalar(sql, "select count(*) from survey_response") == 4 + 3 + 1 + THRESHOLD - 1
    assert _tally(sql) == _recount(sql)
    results = api.get(f"/api/v1/surveys/{survey_id}/results?by=department").json()
    assert results["responded"] == sum(n for key, n in _recount(sql).items() if key[1] == "")


def _world(url: str) -> int:
    """A round (seeded as the answer benchmark seeds it) with six answers in four segments in the tally; its id."""
    # no baseline table: it would outlive the test in the run's PostgreSQL database
    round_id = seed(url, [f"U0CNT{index:04d}" for index in range(6)], baseline_table=False)

    async def work() -> None:
        db = Database(url)
        try:
            async with db.transaction() as session:
                rows = [{"round_id": round_id, **segment, "answers": {"q1": score, "q3": "Hi"} if score > 8
                         else {"q1": score}} for segment, score in
                        [(SALES_EMEA, 10), (SALES_EMEA, 9), (SALES_APAC, 3), (LEGAL, 7), (LEGAL, 7), ({}, 1)]]
                await add_cells(session, cells(rows))
                await add_cells(session, invitations(round_id, [("Sales", "EMEA", "PL")] * 3 + [("Legal", None, None)]))
        finally:
            await db.close()

    asyncio.run(work())
    return round_id


def test_one_counts_query_gives_what_respondents_value_counts_and_invited_give(database_url):
    round_id = _world(database_url)

    async def compare() -> None:
        db = Database(database_url)
        try:
            async with db.transaction() as session:
                for by in [(), ("department",), ("department", "location"), ("country",)]:
                    found = await aggregates.counts(session, [round_id], by)
                    assert found.respondents == await aggregates.respondents(session, [round_id], by)
                    for key in ("q1", "q3", "missing"):
                        assert found.of(key) == await aggregates.value_counts(session, [round_id], key, by)
                    invited = await aggregates.invited(session, round_id, by)
                    assert {group: n for (_r, group), n in found.invited.items()} == invited
                    assert sum(found.respondents.values()) == 6
        finally:
            await db.close()

    asyncio.run(compare())


def test_a_settled_round_is_read_once_and_a_round_that_may_still_change_every_time(database_url, sql):
    round_id = _world(database_url)
    now = dt.datetime.now(dt.UTC)

    def respondents(closed_ago: dt.timedelta | None) -> int:
        async def read() -> int:
            db = Database(database_url)
            try:
                async with db.transaction() as session:
                    round_ = await session.get(SurveyRound, round_id)
                    assert round_ is not None
                    round_.closed_at = None if closed_ago is None else now - closed_ago
                    found = await settled.round_counts(session, [round_], (), now)
                    return sum(found.respondents.values())
            finally:
                await db.close()

        return asyncio.run(read())

    def one_more() -> None:
        with sql.begin() as conn:
            conn.execute(text("update survey_tally set count = count + 1 where question = '' and department = ''"))

    assert respondents(None) == 6  # open: read every time
    one_more()
    assert respondents(settled.GRACE / 2) == 7  # closed just now: an answer may still be on its way
    # closed long ago but an answer still waits in the pool: not final yet
    asyncio.run(_pool_one(database_url, round_id))
    assert respondents(settled.GRACE * 2) == 7
    one_more()
    assert respondents(settled.GRACE * 2) == 8
    with sql.begin() as conn:
        conn.execute(text("delete from survey_pool"))
    assert respondents(settled.GRACE * 2) == 8  # settled: read once and kept
    one_more()  # (a settled round never changes: this only shows the memory is what answers now)
    assert respondents(settled.GRACE * 2) == 8
    assert respondents(settled.GRACE * 3) == 9  # another close time is another round, as after a restore


async def _pool_one(url: str, round_id: int) -> None:
    db = Database(url)
    try:
        async with db.transaction() as session:
            await pool_answer(session, Sealer("k" * 32), round_id=round_id, segment={}, answers={"q1": 5})
    finally:
        await db.close()
