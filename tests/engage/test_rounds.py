"""Rounds opened by the scheduler in each recipient's own time zone, closed by their window, summarised."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import text

from bot.broadcasts.schedule import wall_clock_to_utc
from tests.conftest import ALICE, BOB, CAROL, DAVE, scalar, wait_until
from tests.engage.conftest import ERIN, FRANK, create_survey, press, setup_world

UTC = dt.UTC


def _due(sql, person: str) -> dt.datetime:
    value = scalar(sql, "select p.invited_at from survey_participation p join member m on m.id = p.member_id "
                        "where m.external_id = :p", p=person)
    value = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def test_a_recipient_time_zone_round_invites_each_member_at_their_own_time_and_closes_after_the_last(
        surveyed, sql, database_url, fake_slack):
    slack, api = setup_world(surveyed, sql, database_url)
    wall = (dt.datetime.now(UTC) + dt.timedelta(minutes=30)).replace(second=0, microsecond=0, tzinfo=None)
    create_survey(api, schedule={"kind": "once", "at": wall.isoformat(), "timezone": "recipient"},
                  window_hours=24, owner=ALICE)
    wait_until(lambda: scalar(sql, "select count(*) from survey_round") == 1, message="the scheduler's round")
    frank = wall_clock_to_utc(wall, ZoneInfo("America/Los_Angeles"))
    assert abs((_due(sql, FRANK) - frank).total_seconds()) < 1
    assert abs((_due(sql, BOB) - wall_clock_to_utc(wall, ZoneInfo("America/New_York"))).total_seconds()) < 1
    assert _due(sql, DAVE) < _due(sql, ERIN) < _due(sql, BOB) < _due(sql, FRANK)  # Tokyo's 09:00 came first
    closes = scalar(sql, "select closes_at from survey_round")
    closes = dt.datetime.fromisoformat(str(closes)).replace(tzinfo=UTC) if not isinstance(closes, dt.datetime) \
        else closes.astimezone(UTC)
    assert abs((closes - (frank + dt.timedelta(hours=24))).total_seconds()) < 1
    sent = {c.params["channel"] for c in fake_slack.wait_for("chat.postMessage", 3) if "survey" in str(c.params)}
    assert {DAVE, CAROL, ALICE} <= sent and not {BOB, FRANK} & sent  # New York and LA are not due yet

    round_id = scalar(sql, "select id from survey_round")
    with sql.begin() as conn:  # the window has passed: the scheduler closes the round
        conn.execute(text("update survey_round set closes_at = '2026-01-15 12:00:00'"))
    wait_until(lambda: scalar(sql, "select count(*) from survey_round where closed_at is not null") == 1)
    slack.interaction(press(DAVE, f"{round_id}:9", "3.1.d"))
    slack.interaction(press(ALICE, f"{round_id}:9", "3.2.a"))
    refusals = {c.params["user"]: str(c.params) for c in fake_slack.wait_for("chat.postEphemeral", 2)}
    assert "2026-01-15 21:00 (Asia/Tokyo)" in refusals[DAVE]
    assert "2026-01-15 13:00 (Europe/Warsaw)" in refusals[ALICE]
    assert scalar(sql, "select count(*) from survey_participation where responded") == 0
    summary = scalar(sql, "select message from delivery where dedupe_key = :k", k=f"survey:{round_id}:summary")
    assert "0 of 6 answered" in str(summary) and "hidden" in str(summary)
    invites = "select count(*) from delivery where dedupe_key like 'survey:%:invite:%' and status = :s"
    assert scalar(sql, invites, s="pending") == 0 and scalar(sql, invites, s="skipped") == 3  # not due before close


def test_recurring_rounds_open_once_per_slot_and_a_second_tick_opens_nothing(database_url, sql):
    import asyncio

    from bot.db import Database
    from bot.models import Member, Tenant
    from programs.engage.rounds import open_due_rounds
    from programs.engage.schemas import SurveyIn
    from programs.engage.service import create_survey

    async def work() -> list[int]:
        db = Database(database_url)
        try:
            async with db.transaction() as session:
                tenant = Tenant(platform="slack", external_id="T0RECUR01", name="Test")
                session.add(tenant)
                await session.flush()
                assert tenant.id is not None
                session.add(Member(tenant_id=tenant.id, external_id="U0TOKYO01", timezone="Asia/Tokyo"))
                data = SurveyIn.model_validate({
                    "name": "Weekly", "template": "cx_pulse", "anonymous": True, "audience": {"kind": "everyone"},
                    "schedule": {"kind": "recurring", "cron": "0 9 * * mon", "timezone": "recipient"},
                    "window_hours": 48})
                survey = await create_survey(session, tenant.id, data)
                survey.created_at = dt.datetime(2026, 3, 1, tzinfo=UTC)
            opened = []
            for now in (dt.datetime(2026, 3, 1, 23, 55, tzinfo=UTC),  # Monday 08:55 in Tokyo: inside the lead
                        dt.datetime(2026, 3, 2, 0, 30, tzinfo=UTC),   # the same slot again
                        dt.datetime(2026, 3, 9, 0, 0, tzinfo=UTC)):   # next Monday
                async with db.transaction() as session:
                    opened.append(await open_due_rounds(session, now))
            return opened
        finally:
            await db.close()

    assert asyncio.run(work()) == [1, 0, 1]
    assert scalar(sql, "select count(*) from survey_round") == 2
    assert scalar(sql, "select count(*) from delivery where dedupe_key like 'survey:%:invite:%'") == 2
