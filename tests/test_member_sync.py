"""Members are refreshed from `users.list` (what `fivefold members sync` and the worker run)."""

from __future__ import annotations

import asyncio

from app import create_worker_runtime
from tests.conftest import ALICE, make_settings, scalar


def test_sync_pulls_every_user_with_zone_locale_and_flags(slack, fake_slack, database_url, sql):
    slack.command("/cx", "help", user=ALICE)  # the workspace becomes a tenant on first contact
    for index in range(450):  # three users.list pages
        fake_slack.add_user(f"U1{index:07d}", f"Person {index}", tz="Europe/Kyiv", locale="uk-UA")
    runtime = create_worker_runtime(make_settings(database_url, fake_slack.url))

    async def sync() -> int:
        try:
            return await runtime.sync_members()
        finally:
            await runtime.stop()

    seen = asyncio.run(sync())
    assert seen == 450 + 6
    assert len(fake_slack.calls_to("users.list")) == 3
    assert scalar(sql, "select count(*) from member") == 456
    assert scalar(sql, "select count(*) from member where locale = 'uk' and timezone = 'Europe/Kyiv'") >= 451
    assert scalar(sql, "select is_bot from member where external_id = 'U0ROBOT01'") in (True, 1)
    assert scalar(sql, "select is_deleted from member where external_id = 'U0GONE001'") in (True, 1)
