"""Fixtures of the survey tests: six members in two departments, Fivefold served with a fast scheduler."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import text
from sqlmodel import select

from bot.api.keys import Role, create_api_key
from bot.db import Database
from bot.models import Tenant
from programs.engage.pool import Sealer, flush_pool, pool_answer
from tests.conftest import ALICE, BOB, CAROL, DAVE, Served, make_settings
from tests.fakes.slack_api import TEAM, FakeSlack
from tests.http_clients import http_client
from tests.slack_requests import SlackSender

ERIN, FRANK = "U0ERIN001", "U0FRANK01"
PEOPLE = [ALICE, BOB, CAROL, DAVE, ERIN, FRANK]
THRESHOLD = 3


@pytest.fixture
def surveyed(database_url: str, fake_slack: FakeSlack) -> Iterator[Served]:
    fake_slack.add_user(ERIN, "Erin", tz="Europe/London")
    fake_slack.add_user(FRANK, "Frank", tz="America/Los_Angeles")
    settings = make_settings(database_url, fake_slack.url, FIVEFOLD_ANONYMITY_THRESHOLD=THRESHOLD,
                             FIVEFOLD_SCHEDULER_INTERVAL_SECONDS=0.2)
    with Served(settings) as running:
        yield running


def admin_key(url: str) -> str:
    async def work() -> str:
        db = Database(url)
        try:
            async with db.transaction() as session:
                tenant = (await session.execute(select(Tenant))).scalars().one()
                assert tenant.id is not None
                return (await create_api_key(session, tenant_id=tenant.id, role=Role.ADMIN))[1]
        finally:
            await db.close()

    return asyncio.run(work())


def setup_world(served: Served, sql, database_url: str) -> tuple[SlackSender, httpx.Client]:
    slack = SlackSender(served.base_url)
    for person in PEOPLE:  # each one's first contact makes them a member
        assert slack.command("/cx", "help", user=person).status_code == 200
    with sql.begin() as conn:
        conn.execute(text("update member set department = 'Sales' where external_id in (:a, :b, :c)"),
                     {"a": ALICE, "b": BOB, "c": CAROL})
        conn.execute(text("update member set department = 'Legal' where external_id in (:a, :b, :c)"),
                     {"a": DAVE, "b": ERIN, "c": FRANK})
    api = http_client(base_url=served.base_url, timeout=30,
                       headers={"Authorization": f"Bearer {admin_key(database_url)}"})
    return slack, api


def create_survey(api: httpx.Client, **overrides: object) -> int:
    body: dict = {"name": "Pulse", "questions": [{"kind": "scale_0_10", "text": "Recommend us?"}],
                  "anonymous": True, "audience": {"kind": "everyone"},
                  "schedule": {"kind": "once", "at": "2099-01-01T09:00:00"}, "window_hours": 48}
    body.update(overrides)
    body = {key: value for key, value in body.items() if value is not None}  # None: leave the field out
    created = api.post("/api/v1/surveys", json=body)
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def press(user: str, value: str, trigger: str) -> dict:
    return {"type": "block_actions", "team": {"id": TEAM}, "user": {"id": user, "team_id": TEAM},
            "trigger_id": trigger, "channel": {"id": f"D{user[1:]}"}, "container": {"type": "message"},
            "actions": [{"action_id": "survey.answer", "block_id": "b", "type": "button", "value": value}]}


def invitations(fake_slack: FakeSlack, count: int) -> dict[str, dict]:
    calls = [c for c in fake_slack.wait_for("chat.postMessage", count) if "survey.answer" in str(c.params)]
    return {c.params["channel"]: c.params for c in calls}



def submit(user: str, state: str, values: dict[str, str], view_id: str = "V0SURVEY1") -> dict:
    """A signed-to-be view_submission of the survey form; text answers as plain inputs, the rest as selects."""
    state_values = {
        key: {key: {"type": "plain_text_input", "value": value}} if key.startswith("text:")
        else {key: {"type": "static_select", "selected_option": {"value": value}}}
        for key, value in values.items()
    }
    state_values = {key.removeprefix("text:"): {k.removeprefix("text:"): v for k, v in inner.items()}
                    for key, inner in state_values.items()}
    return {"type": "view_submission", "team": {"id": TEAM}, "user": {"id": user, "team_id": TEAM},
            "trigger_id": f"{view_id}.submit",
            "view": {"type": "modal", "id": view_id, "hash": "h1", "callback_id": "survey.form",
                     "private_metadata": state, "state": {"values": state_values}}}


def write_responses(url: str, round_id: int, rows: list[tuple[dict, dict]], secret: str) -> None:
    """Answers as the answer path stores them: sealed into the pool, then flushed as one shuffled batch."""

    async def work() -> None:
        db = Database(url)
        sealer = Sealer(secret)
        try:
            async with db.transaction() as session:
                for segment, answers in rows:
                    await pool_answer(session, sealer, round_id=round_id, segment=segment, answers=answers)
            async with db.transaction() as session:
                await flush_pool(session, sealer, round_id=round_id, threshold=THRESHOLD, final=True)
        finally:
            await db.close()

    asyncio.run(work())
