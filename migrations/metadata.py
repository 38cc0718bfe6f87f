"""The one metadata Alembic compares against: engine and program tables, Slack's stores, Teams'."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlmodel import SQLModel


def target_metadata() -> MetaData:
    """Import every table definition and return the shared metadata."""
    import adapters.teams.models  # noqa: F401
    import bot.console.models
    import bot.models
    import bot.pace_store  # noqa: F401
    import programs
    from adapters.slack.oauth import slack_tables

    programs.load_models()
    slack_tables(SQLModel.metadata)
    return SQLModel.metadata
