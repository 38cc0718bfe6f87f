"""The starter programme: enabled idempotently, valid campaigns, content in en/pl/uk, onboarding in Slack."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

from sqlmodel import col, select

from bot.broadcasts.models import Broadcast
from bot.broadcasts.schemas import Recurring
from bot.db import Database
from programs.campaigns.levers import Lever
from programs.campaigns.schemas import CampaignIn
from programs.instruct.models import Lesson, Track
from programs.instruct.tick import send_due_lessons
from programs.starter.cli import enable_starter
from programs.starter.enable import track_in
from tests.conftest import ALICE, make_settings, scalar, wait_until

NEW_UK = "U0NEWUK01"


def seed_tenant(sql) -> int:
    with sql.begin() as conn:
        conn.exec_driver_sql(
            "insert into tenant (platform, external_id, name, default_locale, default_timezone, created_at) "
            "values ('slack', 'T0FIVE001', 'Test', 'en', 'UTC', CURRENT_TIMESTAMP)")
    return int(scalar(sql, "select id from tenant"))


def snapshot(sql) -> list[tuple]:
    with sql.connect() as conn:
        campaigns = conn.exec_driver_sql("select id, starter_key, name from broadcast order by id").fetchall()
        tracks = conn.exec_driver_sql("select id, starter_key, locale from track order by id").fetchall()
        lessons = conn.exec_driver_sql("select id, track_id, position, title from lesson order by id").fetchall()
    return [tuple(row) for row in (*campaigns, *tracks, *lessons)]


async def stored(url: str) -> tuple[list[Broadcast], list[Track], list[Lesson]]:
    db = Database(url)
    try:
        async with db.transaction() as session:
            campaigns = list((await session.execute(select(Broadcast).order_by(col(Broadcast.id)))).scalars())
            tracks = list((await session.execute(select(Track).order_by(col(Track.id)))).scalars())
            lessons = list((await session.execute(select(Lesson).order_by(col(Lesson.id)))).scalars())
            return campaigns, tracks, lessons
    finally:
        await db.close()


def test_enabling_twice_creates_the_same_rows_once(database_url, sql):
    tenant_id = seed_tenant(sql)
    settings = make_settings(database_url, "http://127.0.0.1:9/")
    first = asyncio.run(enable_starter(settings, tenant_id))
    rows = snapshot(sql)
    second = asyncio.run(enable_starter(settings, tenant_id))
    assert "11 created, 0 already there" in first and "0 created, 11 already there" in second
    assert snapshot(sql) == rows
    assert scalar(sql, "select count(*) from broadcast") == 8
    assert scalar(sql, "select count(*) from track where onboarding") == 3
    assert scalar(sql, "select count(*) from lesson") == 15


def test_every_campaign_is_valid_and_speaks_english_polish_and_ukrainian(database_url, sql):
    asyncio.run(enable_starter(make_settings(database_url, "http://127.0.0.1:9/"), seed_tenant(sql)))
    campaigns, _tracks, _lessons = asyncio.run(stored(database_url))
    levers = set()
    for campaign in campaigns:
        data = CampaignIn.model_validate({"name": campaign.name, "lever": campaign.label, "message": campaign.message,
                                          "audience": campaign.audience, "schedule": campaign.schedule})
        levers.add(data.lever)
        assert campaign.starter_key and campaign.starter_key.startswith("starter.")
        assert set(data.message.translations) == {"pl", "uk"}
        for localized in data.message.translations.values():
            assert localized.text != data.message.text and localized.header != data.message.header
        if isinstance(data.schedule, Recurring):
            assert data.schedule.timezone == "recipient" and data.schedule.skip_weekends
    assert levers == {Lever.INFORM, Lever.INSPIRE, Lever.INSTRUCT}
    text = json.dumps([c.message for c in campaigns], ensure_ascii=False)
    assert "Employees create the customer experience" in text and "To pracownicy tworzą" in text
    assert "Клієнтський досвід створюють працівники" in text
    tips = [c for c in campaigns if c.label == Lever.INSTRUCT.value]
    assert len(tips) == 4 and len({c.schedule["cron"] for c in tips}) == 4  # a different tip each week


def test_onboarding_tracks_have_five_quizzed_lessons_in_each_language(database_url, sql):
    asyncio.run(enable_starter(make_settings(database_url, "http://127.0.0.1:9/"), seed_tenant(sql)))
    _campaigns, tracks, lessons = asyncio.run(stored(database_url))
    assert sorted(track.locale for track in tracks) == ["en", "pl", "uk"]
    titles = {}
    for track in tracks:
        own = [lesson for lesson in lessons if lesson.track_id == track.id]
        assert [lesson.position for lesson in own] == [1, 2, 3, 4, 5]
        assert all(lesson.quiz and 2 <= len(lesson.quiz["options"]) <= 5 for lesson in own)
        titles[track.locale] = " ".join(lesson.title + lesson.text for lesson in own)
    assert "NPS" in titles["en"] and "promoters" in titles["en"]
    assert "Promotorzy" in titles["pl"] and "Промоутери" in titles["uk"]
    assert track_in("pl").lessons[2].quiz is not None and track_in("pl").lessons[2].quiz.correct == 0


def test_a_ukrainian_joiner_is_enrolled_in_the_ukrainian_track_and_gets_lesson_one(served, slack, fake_slack, sql,
                                                                                  database_url):
    slack.command("/cx", "help", user=ALICE)
    tenant_id = int(scalar(sql, "select id from tenant"))
    asyncio.run(enable_starter(served.settings, tenant_id))
    fake_slack.add_user(NEW_UK, "Olena", tz="Europe/Kyiv", locale="uk-UA")
    assert slack.event({"type": "team_join", "user": fake_slack.users[NEW_UK]}).status_code == 200
    assert scalar(sql, "select t.locale from enrollment e join track t on t.id = e.track_id") == "uk"
    with sql.begin() as conn:
        conn.exec_driver_sql("update enrollment set next_due_at = '2020-01-01 00:00:00'")

    async def tick() -> int:
        db = Database(database_url)
        try:
            async with db.transaction() as session:
                return await send_due_lessons(session, dt.datetime.now(dt.UTC))
        finally:
            await db.close()

    assert asyncio.run(tick()) == 1

    def lesson_dms() -> list[str]:
        sent = [str(c.params.get("blocks")) for c in fake_slack.calls_to("chat.postMessage")
                if c.params["channel"] == NEW_UK]
        return [blocks for blocks in sent if "Урок 1 з 5" in blocks]

    wait_until(lambda: lesson_dms(), message="lesson DM")
    assert len(lesson_dms()) == 1
    assert "Відповідайте швидко" in lesson_dms()[0] and "Швидка перевірка" in lesson_dms()[0]
