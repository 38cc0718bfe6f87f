"""Database errors never carry SQL parameters or row values (what people wrote) into logs."""

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
    assert "private words someone typed, " not in message.split("[SQL:")[1]  # the parameters' line
    assert "[SQL parameters hidden due to hide_parameters=True]" in message


def test_a_logged_database_error_shows_no_row_values(database_url, capsys):
    import structlog

    from bot.logs import configure_logging

    async def fail() -> None:
        db = Database(database_url)
        try:
            async with db.transaction() as session:
                await session.execute(
                    text("insert into tenant (platform, external_id, name, default_locale, default_timezone, "
                         "created_at) values ('slack', NULL, :name, 'en', 'UTC', CURRENT_TIMESTAMP)"),
                    {"name": "private words someone typed"},
                )
        finally:
            await db.close()

    configure_logging("json")
    try:
        asyncio.run(fail())
    except DBAPIError:
        structlog.get_logger("bot.engine").exception("dispatch.database_unavailable")
    logged = capsys.readouterr().err
    assert "dispatch.database_unavailable" in logged and "IntegrityError" in logged
    assert "fail" in logged  # the frames are kept
    assert "private words" not in logged and "details hidden" in logged
