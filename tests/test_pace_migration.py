"""Migration 0013 adds `pace.queued_until`: pacing rows already stored keep their state, both ways."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, text

from bot.db import alembic_config, migrate, sync_url

BEFORE = "0012_neutral_broadcasts"


def _pace(url: str, columns: str) -> list[tuple[object, ...]]:
    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(f"select {columns} from pace order by key"))]
    finally:
        engine.dispose()


def test_pace_rows_keep_their_state_and_start_with_an_empty_queue(database_url):
    config = alembic_config(database_url)
    command.downgrade(config, BEFORE)
    try:
        engine = create_engine(sync_url(database_url))
        with engine.begin() as conn:
            conn.execute(text("insert into pace (key, tat, rate, paused_until, cut_at) values "
                              "('t:1', 100.5, 42.0, 90.0, 80.0), ('c:1:C0KUDOS#0', 101.0, null, 0, 0)"))
        engine.dispose()

        migrate(database_url)
        assert _pace(database_url, "key, tat, rate, queued_until") == [
            ("c:1:C0KUDOS#0", 101.0, None, 0.0), ("t:1", 100.5, 42.0, 0.0)]

        command.downgrade(config, BEFORE)
        assert _pace(database_url, "key, tat, rate, paused_until, cut_at") == [
            ("c:1:C0KUDOS#0", 101.0, None, 0.0, 0.0), ("t:1", 100.5, 42.0, 90.0, 80.0)]
    finally:
        migrate(database_url)
