"""Shared helpers of the programme tests: Slack payloads for forms and buttons, API clients."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from bot.db import sync_url
from tests.fakes.slack_api import TEAM
from tests.http_clients import http_client
from tests.test_api_campaigns import api_key

_ids = itertools.count(1)


def _element(key: str, value: str | list[str]) -> dict[str, Any]:
    if key.endswith("members"):  # a one-person picker
        return {"type": "users_select", "selected_user": value[0] if value else None}
    if isinstance(value, list):  # a multi-select (checkboxes)
        return {"type": "multi_static_select", "selected_options": [{"value": v} for v in value]}
    if value.startswith("#"):  # a single select: "#slug"
        return {"type": "static_select", "selected_option": {"value": value[1:]}}
    return {"type": "plain_text_input", "value": value}


def view_submission(user: str, callback_id: str, values: dict[str, Any], state: str = "") -> dict[str, Any]:
    """A submitted modal: text fields, "#option" single selects and list multi-selects."""
    blocks = {key: {key: _element(key, value)} for key, value in values.items()}
    return {"type": "view_submission", "team": {"id": TEAM}, "user": {"id": user, "team_id": TEAM},
            "trigger_id": f"{next(_ids)}.9.submit",
            "view": {"type": "modal", "id": f"V0{next(_ids):06d}", "hash": "h1", "callback_id": callback_id,
                     "private_metadata": state, "state": {"values": blocks}}}


def button_press(user: str, action_id: str, value: str, channel: str) -> dict[str, Any]:
    """A button clicked in a message in `channel` (a DM channel id for a DM)."""
    return {"type": "block_actions", "team": {"id": TEAM}, "user": {"id": user, "team_id": TEAM},
            "trigger_id": f"{next(_ids)}.5.click", "channel": {"id": channel},
            "container": {"type": "message", "channel_id": channel},
            "actions": [{"action_id": action_id, "block_id": "b", "type": "button", "value": value}]}


def admin_client(served: Any, database_url: str, platform: str = "") -> httpx.Client:
    """An admin API client for the first tenant (of `platform`, when given: a server with Slack
    configured knows its own workspace from start-up, before any Teams tenant writes)."""
    tenant_id = 1
    if platform:
        engine = create_engine(sync_url(database_url))
        try:
            with engine.connect() as conn:
                query = text("select min(id) from tenant where platform = :platform")
                tenant_id = int(conn.execute(query, {"platform": platform}).scalar_one())
        finally:
            engine.dispose()
    key = api_key(database_url, tenant_id=tenant_id)
    return http_client(base_url=served.base_url + "/api/v1", headers={"Authorization": f"Bearer {key}"}, timeout=30)


def find_button(blocks: list[dict[str, Any]], action_id: str) -> dict[str, Any]:
    """The Block Kit button with `action_id` in a posted message."""
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return element
    raise AssertionError(f"no {action_id} button in {blocks}")
