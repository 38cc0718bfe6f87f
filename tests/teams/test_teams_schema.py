"""The Teams tables in the models and in migration 0002_teams agree, and it downgrades cleanly."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from bot.db import alembic_config, migrate, sync_url
from migrations.metadata import target_metadata


def test_models_and_migrations_agree(database_url):
    engine = create_engine(sync_url(database_url))
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, target_metadata()) == []
    engine.dispose()


def test_teams_migration_downgrades_and_upgrades(database_url):
    command.downgrade(alembic_config(database_url), "0001")
    engine = create_engine(sync_url(database_url))
    assert "teams_conversation" not in inspect(engine).get_table_names()
    migrate(database_url)
    assert {"teams_conversation", "teams_account"} <= set(inspect(engine).get_table_names())
    engine.dispose()
