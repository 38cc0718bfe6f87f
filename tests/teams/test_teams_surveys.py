"""Surveys in Teams: the invitation card's buttons and form, updated in place after the answer."""

from __future__ import annotations

import asyncio

import httpx
from sqlmodel import select

from bot.api.keys import Role, create_api_key
from bot.db import Database
from bot.models import Tenant
from tests.conftest import scalar, wait_until
from tests.http_clients import http_client
from tests.teams.activities import PEOPLE, activity, message

ALICE, BOB = PEOPLE["alice"]["aadObjectId"], PEOPLE["bob"]["aadObjectId"]


def _api(served, url: str) -> httpx.Client:
    async def key() -> str:
        db = Database(url)
        try:
            async with db.transaction() as session:
                tenant = (await session.execute(select(Tenant).where(Tenant.platform == "teams"))).scalars().one()
                assert tenant.id is not None
                return (await create_api_key(session, tenant_id=tenant.id, role=Role.ADMIN))[1]
        finally:
            await db.close()

    return http_client(base_url=served.base_url, timeout=30,
                        headers={"Authorization": f"Bearer {asyncio.run(key())}"})


def _card(posted) -> dict:
    return posted.body["attachments"][0]["content"]


def _survey(api: httpx.Client, **fields: object) -> int:
    body = {"name": "Pulse", "anonymous": True, "audience": {"kind": "members", "members": [ALICE, BOB]},
            "schedule": {"kind": "once", "at": "2099-01-01T09:00:00"}, "window_hours": 24, **fields}
    created = api.post("/api/v1/surveys", json=body)
    assert created.status_code == 201, created.text
    return int(api.post(f"/api/v1/surveys/{created.json()['id']}/send-now").json()["round_id"])


def _buttons(card: dict) -> list[dict]:
    found = []
    for element in [*card.get("body", []), {"actions": card.get("actions", [])}]:
        found += [a for a in element.get("actions", []) if a.get("type") == "Action.Submit"]
    return found


def test_a_card_button_answers_and_the_invitation_card_is_updated_in_place(teams, teams_served, bot_framework,
                                                                           sql, database_url):
    for person in ("alice", "bob"):
        assert teams.post(message("help", bot_framework.url, sender=person), bot_framework.token()).status_code == 200
    round_id = _survey(_api(teams_served, database_url),
                       questions=[{"kind": "likert_1_5", "text": "I have what I need"}])
    bot_framework.wait_for(lambda: any("survey.answer" in str(p.body) for p in bot_framework.activities(
        "a:1personal-alice")))
    invitation = next(p for p in bot_framework.activities("a:1personal-alice") if "survey.answer" in str(p.body))
    sent = "select count(*) from delivery where dedupe_key like 'survey:%:invite:%' and status = 'sent'"
    wait_until(lambda: scalar(sql, sent) == 2, message="the invitations recorded as sent")  # their ids are known
    buttons = _buttons(_card(invitation))
    assert [b["title"] for b in buttons][:5] == ["Strongly disagree", "Disagree", "Neither agree nor disagree",
                                                 "Agree", "Strongly agree"]
    agree = next(b for b in buttons if b["title"] == "Agree")["data"]
    assert agree["fivefold"] == {"action": "survey.answer", "value": f"{round_id}:4"}
    # the worker records the invitation's Teams id a moment after posting it; only then can it be updated
    wait_until(lambda: scalar(sql, "select count(*) from delivery where platform_message_id is not null") == 2)
    press = activity("message", bot_framework.url, value=agree, activity_id="1700000000777")
    assert teams.post(press, bot_framework.token()).status_code == 200
    assert teams.post(press, bot_framework.token()).status_code == 200  # redelivered: counts once
    assert scalar(sql, "select count(*) from survey_pool") == 1
    wait_until(lambda: any(p.method == "PUT" for p in bot_framework.posted), message="the card updated in place")
    put = next(p for p in bot_framework.posted if p.method == "PUT")
    sent_id = scalar(sql, "select platform_message_id from delivery where dedupe_key like 'survey:%:invite:%' "
                          "and target_id = :a", a=ALICE)
    assert put.path.endswith(f"/activities/{sent_id.rpartition(':')[2]}") and "recorded" in str(put.body)
    again = activity("message", bot_framework.url, value=agree)
    teams.post(again, bot_framework.token())
    bot_framework.wait_for(lambda: any("already answered" in str(p.body)
                                       for p in bot_framework.activities("a:1personal-alice")))


def test_the_survey_command_and_the_form_card_answer_a_multi_question_survey(teams, teams_served, bot_framework,
                                                                             sql, database_url):
    assert teams.post(message("help", bot_framework.url, sender="bob"), bot_framework.token()).status_code == 200
    _survey(_api(teams_served, database_url), template="enps")
    again = message("survey", bot_framework.url, sender="bob")
    assert teams.post(again, bot_framework.token()).status_code == 200
    card = _card(next(p for p in bot_framework.activities("a:1personal-bob") if "survey.answer" in str(p.body)))
    nine = next(b for b in _buttons(card) if b["title"] == "9")["data"]
    assert teams.post(activity("message", bot_framework.url, sender="bob", value=nine),
                      bot_framework.token()).status_code == 200
    bot_framework.wait_for(lambda: any("survey.form" in str(p.body) for p in bot_framework.activities(
        "a:1personal-bob")))
    form = _card(next(p for p in bot_framework.activities("a:1personal-bob") if "survey.form" in str(p.body)))
    submit = form["actions"][0]["data"]
    answer = activity("message", bot_framework.url, sender="bob", value={**submit, "better": "Quieter floors"})
    assert teams.post(answer, bot_framework.token()).status_code == 200
    assert scalar(sql, "select count(*) from survey_participation where responded") == 1
    assert scalar(sql, "select count(*) from survey_pool") == 1
