"""Migration 0012 renames campaigns to the engine's broadcasts and keeps every row, both ways."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect, text

from bot.db import alembic_config, migrate, sync_url

BEFORE = "0011_tenant_settings"
NOW = "2026-01-05 09:00:00+00:00"
SEED = [
    "insert into tenant (id, platform, external_id, name, default_locale, default_timezone, created_at) "
    f"values (7, 'slack', 'T0MIGRATE', 'Acme', 'en', 'UTC', '{NOW}')",
    "insert into campaign (id, tenant_id, name, lever, message, audience, schedule, active, created_at) "
    "values (3, 7, 'Weekly tip', 'inspire', '{\"text\": \"Customers first\"}', '{\"kind\": \"ambassadors\"}', "
    f"'{{\"kind\": \"recurring\", \"cron\": \"0 9 * * mon\"}}', true, '{NOW}')",
    "insert into occurrence (id, tenant_id, campaign_id, slot, first_due_at, recipients, created_at) "
    f"values (5, 7, 3, '2026-01-05T09:00', '{NOW}', 1, '{NOW}')",
    "insert into delivery (id, tenant_id, occurrence_id, dedupe_key, target_kind, target_id, locale, message, "
    "status, attempts, due_at, created_at, lane) values (11, 7, 5, 'occ:5:1', 'member', 'U0ALICE01', 'en', "
    f"'{{\"fallback\": \"Customers first\"}}', 'sent', 1, '{NOW}', '{NOW}', 'broadcast')",
]


def _rows(url: str, table: str, label: str, owner: str) -> list[tuple[object, ...]]:
    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(
                f"select b.id, b.name, b.{label}, o.id, o.slot, d.id, d.target_id, d.status from {table} b "
                f"join occurrence o on o.{owner} = b.id join delivery d on d.occurrence_id = o.id"
            ))]
    finally:
        engine.dispose()


def _names(url: str) -> tuple[set[str], set[str]]:
    engine = create_engine(sync_url(url))
    try:
        found = inspect(engine)
        tables = set(found.get_table_names())
        indexes = {index["name"] for table in ("campaign", "broadcast", "occurrence") if table in tables
                   for index in found.get_indexes(table) if index["name"]}
        return tables, indexes
    finally:
        engine.dispose()


def test_the_rename_keeps_campaigns_occurrences_and_deliveries_both_ways(database_url):
    expected = [(3, "Weekly tip", "inspire", 5, "2026-01-05T09:00", 11, "U0ALICE01", "sent")]
    config = alembic_config(database_url)
    command.downgrade(config, BEFORE)
    try:
        engine = create_engine(sync_url(database_url))
        with engine.begin() as conn:
            for statement in SEED:
                conn.execute(text(statement))
        engine.dispose()

        migrate(database_url)
        assert _rows(database_url, "broadcast", "label", "broadcast_id") == expected
        tables, indexes = _names(database_url)
        assert "broadcast" in tables and "campaign" not in tables
        assert {"ix_broadcast_tenant_id", "ix_occurrence_broadcast_id"} <= indexes
        assert not {name for name in indexes if "campaign" in name}

        command.downgrade(config, BEFORE)
        assert _rows(database_url, "campaign", "lever", "campaign_id") == expected
        tables, indexes = _names(database_url)
        assert "campaign" in tables and "broadcast" not in tables
        assert {"ix_campaign_tenant_id", "ix_occurrence_campaign_id"} <= indexes
    finally:
        migrate(database_url)
    assert _rows(database_url, "broadcast", "label", "broadcast_id") == expected
