"""Database errors never carry SQL parameters (they hold what people wrote) into logs."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.db import Database


def test_a_failed_statement_hides_its_parameters(database_url):
    async def fail() -> str:
        db = Database(database_url)
        try:
            with pytest.raises(DBAPIError) as failure:
                async with db.transaction() as session:
                    await session.execute(
                        text("insert into tenant (platform, external_id, name, default_locale, default_timezone, "
                             "created_at) values (:platform, NULL, :name, 'en', 'UTC', CURRENT_TIMESTAMP)"),
                        {"platform": "slack", "name": "private words someone typed"},
                    )
            return str(failure.value)
        finally:
            await db.close()

    message = asyncio.run(fail())
    assert "private words" not in message
    assert "parameters hidden" in message
