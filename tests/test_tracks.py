"""Training tracks: cadence arithmetic, the lesson tick, Slack end to end, and `/api/v1/tracks`."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlmodel import select

from bot.api.keys import Role, create_api_key
from bot.db import Database
from bot.models import Member, Tenant
from programs.instruct.cadence import first_send_at, next_send_at
from programs.instruct.enrol import enroll
from programs.instruct.models import Enrollment, Track
from programs.instruct.schemas import TrackIn
from programs.instruct.service import create_track
from programs.instruct.tick import send_due_lessons
from tests.conftest import ALICE, scalar, wait_until
from tests.fakes.slack_api import TEAM
from tests.http_clients import http_client

UTC = dt.UTC
WARSAW = ZoneInfo("Europe/Warsaw")
NEWBIE = "U0NEWPL01"


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def track_data(**overrides: object) -> dict:
    data: dict = {
        "name": "Wdrożenie", "locale": "pl", "onboarding": True, "cadence_days": 1, "send_time": "10:00",
        "skip_weekends": True,
        "lessons": [
            {"title": "Odpowiadaj szybko", "text": "W ciągu godziny.", "link": "https://example.com/cx",
             "quiz": {"question": "Ile czasu?", "options": ["Godzina", "Tydzień"], "correct": 0,
                      "explanation": "Klienci czekają."}},
            {"title": "Empatia", "text": "Najpierw zrozum."},
        ],
    }
    data.update(overrides)
    return data


# --- cadence (pure) ---------------------------------------------------------------------------

def test_first_lesson_is_due_at_the_next_send_time_in_the_members_zone():
    # Wednesday 08:30 in Warsaw (07:30 UTC, CET): today's 10:00 is still ahead.
    assert first_send_at(utc(2026, 3, 4, 7, 30), WARSAW, send_time="10:00", skip_weekends=True) == utc(2026, 3, 4, 9)
    # Wednesday 10:00 sharp has passed: Thursday.
    assert first_send_at(utc(2026, 3, 4, 9), WARSAW, send_time="10:00", skip_weekends=True) == utc(2026, 3, 5, 9)
    # Friday afternoon, weekends skipped: Monday; not skipped: Saturday.
    friday = utc(2026, 3, 6, 12)
    assert first_send_at(friday, WARSAW, send_time="10:00", skip_weekends=True) == utc(2026, 3, 9, 9)
    assert first_send_at(friday, WARSAW, send_time="10:00", skip_weekends=False) == utc(2026, 3, 7, 9)


def test_next_lesson_follows_the_cadence_skips_weekends_and_keeps_wall_clock_across_dst():
    kwargs = {"send_time": "10:00", "skip_weekends": True}
    thursday = utc(2026, 3, 5, 9)
    assert next_send_at(thursday, thursday, WARSAW, cadence_days=1, **kwargs) == utc(2026, 3, 6, 9)
    assert next_send_at(thursday, thursday, WARSAW, cadence_days=2, **kwargs) == utc(2026, 3, 9, 9)
    # Friday 27 March, CET; Monday 30 March is CEST: still 10:00 on the member's clock.
    friday = utc(2026, 3, 27, 9)
    assert next_send_at(friday, friday, WARSAW, cadence_days=1, **kwargs) == utc(2026, 3, 30, 8)
    # After downtime the cadence counts from when the lesson was actually sent: no burst.
    late = utc(2026, 3, 11, 15)
    assert next_send_at(thursday, late, WARSAW, cadence_days=1, **kwargs) == utc(2026, 3, 12, 9)


# --- the tick, with explicit `now` values -----------------------------------------------------

async def _setup(url: str, enrolled_at: dt.datetime, **overrides: object) -> int:
    db = Database(url)
    try:
        async with db.transaction() as session:
            tenant = Tenant(platform="slack", external_id=TEAM, name="Test")
            session.add(tenant)
            await session.flush()
            assert tenant.id is not None
            member = Member(tenant_id=tenant.id, external_id=ALICE, display_name="Alice",
                            timezone="Europe/Warsaw", locale="pl")
            session.add(member)
            track = await create_track(session, tenant_id=tenant.id, data=TrackIn.model_validate(track_data(**overrides)))
            await session.flush()
            assert await enroll(session, tenant=tenant, track=track, member=member, now=enrolled_at)
            assert not await enroll(session, tenant=tenant, track=track, member=member, now=enrolled_at)
            assert track.id is not None
            return track.id
    finally:
        await db.close()


async def _tick(url: str, now: dt.datetime) -> int:
    db = Database(url)
    try:
        async with db.transaction() as session:
            return await send_due_lessons(session, now)
    finally:
        await db.close()


def test_ticks_send_each_lesson_once_on_cadence_skipping_the_weekend(database_url, sql):
    asyncio.run(_setup(database_url, utc(2026, 3, 6, 12)))  # Friday 13:00 in Warsaw
    assert asyncio.run(_tick(database_url, utc(2026, 3, 7, 9))) == 0  # Saturday: nothing due
    assert asyncio.run(_tick(database_url, utc(2026, 3, 9, 8, 59))) == 0
    assert asyncio.run(_tick(database_url, utc(2026, 3, 9, 9))) == 1  # Monday 10:00 Warsaw
    assert asyncio.run(_tick(database_url, utc(2026, 3, 9, 9))) == 0  # the same tick again
    assert asyncio.run(_tick(database_url, utc(2026, 3, 9, 18))) == 0
    assert scalar(sql, "select dedupe_key from delivery") == "lesson:1:1"
    assert asyncio.run(_tick(database_url, utc(2026, 3, 10, 9))) == 1  # Tuesday: lesson 2, the last
    assert asyncio.run(_tick(database_url, utc(2026, 3, 20, 9))) == 0
    assert scalar(sql, "select count(*) from delivery") == 2
    assert scalar(sql, "select count(*) from lesson_progress where delivered_at is not null") == 2
    assert scalar(sql, "select count(*) from enrollment where completed_at is not null and next_due_at is null") == 1
    message = scalar(sql, "select message from delivery where dedupe_key='lesson:1:1'")
    assert "Lekcja 1 z 2" in str(message) and "track.quiz" in str(message)


def test_inactive_tracks_and_deactivated_members_get_nothing(database_url, sql):
    track_id = asyncio.run(_setup(database_url, utc(2026, 3, 4, 7)))
    with sql.begin() as conn:
        conn.exec_driver_sql(f"update track set active = false where id = {track_id}")
    assert asyncio.run(_tick(database_url, utc(2026, 3, 4, 9))) == 0
    with sql.begin() as conn:
        conn.exec_driver_sql(f"update track set active = true where id = {track_id}")
        conn.exec_driver_sql("update member set is_deleted = true")
    assert asyncio.run(_tick(database_url, utc(2026, 3, 4, 9))) == 0
    assert scalar(sql, "select count(*) from delivery") == 0
    assert scalar(sql, "select count(*) from enrollment where next_due_at is null") == 1


# --- Slack end to end ---------------------------------------------------------------------------

def _admin_key(url: str, role: Role = Role.ADMIN) -> str:
    async def work() -> str:
        db = Database(url)
        try:
            async with db.transaction() as session:
                tenant = (await session.execute(select(Tenant))).scalars().one()
                assert tenant.id is not None
                return (await create_api_key(session, tenant_id=tenant.id, role=role))[1]
        finally:
            await db.close()

    return asyncio.run(work())


def _api(served, key: str) -> httpx.Client:
    return http_client(base_url=served.base_url, headers={"Authorization": f"Bearer {key}"}, timeout=30)


def _press(action_id: str, value: str, user: str = NEWBIE, trigger: str = "7.7.lesson") -> dict:
    return {"type": "block_actions", "team": {"id": TEAM}, "user": {"id": user, "team_id": TEAM},
            "trigger_id": trigger, "channel": {"id": "D0NEWPL01"}, "container": {"type": "message"},
            "actions": [{"action_id": action_id, "block_id": "b", "type": "button", "value": value}]}


def test_new_member_gets_lesson_one_in_polish_answers_the_quiz_and_acknowledges(served, slack, fake_slack, sql,
                                                                               database_url):
    slack.command("/cx", "help", user=ALICE)  # the workspace becomes a tenant
    api = _api(served, _admin_key(database_url))
    created = api.post("/api/v1/tracks", json=track_data())
    assert created.status_code == 201, created.text
    track_id = created.json()["id"]
    fake_slack.add_user(NEWBIE, "Nowak", tz="Europe/Warsaw", locale="pl-PL")
    assert slack.event({"type": "team_join", "user": fake_slack.users[NEWBIE]}).status_code == 200
    due = scalar(sql, "select next_due_at from enrollment")
    assert due is not None and scalar(sql, "select count(*) from enrollment") == 1
    with sql.begin() as conn:  # lesson 1 is due at the next 10:00 in Warsaw; bring it forward
        conn.exec_driver_sql("update enrollment set next_due_at = '2020-01-01 00:00:00'")
    now = dt.datetime.now(UTC)
    assert asyncio.run(_tick(database_url, now)) == 1
    assert asyncio.run(_tick(database_url, now)) == 0
    dm = next(c for c in fake_slack.wait_for("chat.postMessage") if c.params["channel"] == NEWBIE)
    blocks = str(dm.params["blocks"])
    assert "Odpowiadaj szybko" in blocks and "Lekcja 1 z 2" in blocks and "Rozumiem" in blocks
    enrollment_id, lesson_id = scalar(sql, "select enrollment_id || ':' || lesson_id from lesson_progress").split(":")
    ref = f"{enrollment_id}:{lesson_id}"

    assert slack.interaction(_press("track.quiz", f"{ref}:1")).status_code == 200
    wait_until(lambda: scalar(sql, "select quiz_answer from lesson_progress") == 1, message="quiz answer")
    assert scalar(sql, "select quiz_correct from lesson_progress") in (False, 0)
    feedback = fake_slack.wait_for("chat.postEphemeral")[0].params
    assert feedback["user"] == NEWBIE and "Nie do końca" in str(feedback) and "Godzina" in str(feedback)
    slack.interaction(_press("track.quiz", f"{ref}:0", trigger="7.8.again"))  # a second answer does not count
    assert "pierwsza odpowiedź" in str(fake_slack.wait_for("chat.postEphemeral", 2)[1].params)
    assert scalar(sql, "select quiz_answer from lesson_progress") == 1

    slack.interaction(_press("track.ack", ref, trigger="7.9.ack"))
    wait_until(lambda: scalar(sql, "select count(*) from lesson_progress where acknowledged_at is not null") == 1)
    slack.interaction(_press("track.ack", ref, user=ALICE, trigger="7.10.other"))  # not Alice's lesson
    assert "nieaktualny" not in str(fake_slack.wait_for("chat.postEphemeral", 4)[3].params)  # Alice reads English
    assert "no longer valid" in str(fake_slack.calls_to("chat.postEphemeral")[3].params)

    one = api.get(f"/api/v1/tracks/{track_id}").json()
    assert one["progress"] == {"enrolled": 1, "completed": 0, "delivered": 1, "acknowledged": 1,
                               "answered": 1, "correct": 0}
    assert one["members"] == [{"member": NEWBIE, "next_position": 2, "completed": False, "delivered": 1,
                               "acknowledged": 1, "answered": 1, "correct": 0}]


def test_tracks_api_create_list_patch_enroll_and_deactivate(served, slack, sql, database_url):
    slack.command("/cx", "help", user=ALICE)
    api = _api(served, _admin_key(database_url))
    track_id = api.post("/api/v1/tracks", json=track_data(onboarding=False)).json()["id"]
    listed = api.get("/api/v1/tracks").json()
    assert [t["id"] for t in listed] == [track_id] and len(listed[0]["lessons"]) == 2
    assert listed[0]["lessons"][0]["quiz"]["options"] == ["Godzina", "Tydzień"]
    patched = api.patch(f"/api/v1/tracks/{track_id}", json={"cadence_days": 3, "send_time": "09:15"}).json()
    assert (patched["cadence_days"], patched["send_time"]) == (3, "09:15")
    enrolled = api.post(f"/api/v1/tracks/{track_id}/enroll", json={"members": [ALICE, ALICE, "U0NOBODY1"]}).json()
    assert enrolled == {"enrolled": 1, "already_enrolled": 0, "unknown": ["U0NOBODY1"]}
    again = api.post(f"/api/v1/tracks/{track_id}/enroll", json={"members": [ALICE]}).json()
    assert again == {"enrolled": 0, "already_enrolled": 1, "unknown": []}
    assert api.get(f"/api/v1/tracks/{track_id}").json()["progress"]["enrolled"] == 1
    assert api.delete(f"/api/v1/tracks/{track_id}").status_code == 204
    assert api.get(f"/api/v1/tracks/{track_id}").json()["active"] is False
    assert api.post(f"/api/v1/tracks/{track_id}/enroll", json={"members": [ALICE]}).status_code == 409
    assert scalar(sql, "select count(*) from track") == 1


@pytest.mark.parametrize(("change", "field"), [
    ({"lessons": []}, "lessons"),
    ({"send_time": "25:00"}, "send_time"),
    ({"lessons": [{"title": "x", "text": "y", "quiz": {"question": "q", "options": ["a", "b"], "correct": 2}}]},
     "lessons"),
    ({"lessons": [{"title": "x", "text": "y", "quiz": {"question": "q", "options": ["a"], "correct": 0}}]},
     "lessons"),
])
def test_invalid_tracks_are_refused_with_the_field_named(served, slack, sql, database_url, change, field):
    slack.command("/cx", "help", user=ALICE)
    response = _api(served, _admin_key(database_url)).post("/api/v1/tracks", json=track_data(**change))
    assert response.status_code == 422 and field in str(response.json()["detail"][0]["loc"])
    assert scalar(sql, "select count(*) from track") == 0


def test_analyst_keys_read_only_and_tenants_are_isolated(served, slack, database_url, sql):
    slack.command("/cx", "help", user=ALICE)
    admin, analyst = _admin_key(database_url), _admin_key(database_url, Role.ANALYST)
    track_id = _api(served, admin).post("/api/v1/tracks", json=track_data()).json()["id"]
    assert _api(served, analyst).get(f"/api/v1/tracks/{track_id}").status_code == 200
    assert _api(served, analyst).post("/api/v1/tracks", json=track_data()).status_code == 403
    assert _api(served, analyst).delete(f"/api/v1/tracks/{track_id}").status_code == 403
    assert httpx.get(f"{served.base_url}/api/v1/tracks").status_code == 401
    with sql.begin() as conn:
        conn.exec_driver_sql("insert into tenant (platform, external_id, name, default_locale, default_timezone, "
                             "created_at) values ('slack', 'T0OTHER01', 'Other', 'en', 'UTC', CURRENT_TIMESTAMP)")
    other_id = scalar(sql, "select id from tenant where external_id='T0OTHER01'")

    async def other_key() -> str:
        db = Database(database_url)
        try:
            async with db.transaction() as session:
                return (await create_api_key(session, tenant_id=other_id, role=Role.ADMIN))[1]
        finally:
            await db.close()

    other = _api(served, asyncio.run(other_key()))
    assert other.get(f"/api/v1/tracks/{track_id}").status_code == 404
    assert other.get("/api/v1/tracks").json() == []
    assert Enrollment.__tablename__ == "enrollment" and Track.__tablename__ == "track"
