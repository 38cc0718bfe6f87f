"""The one metadata Alembic compares against: every table the engine, the programs and the adapters install."""

from __future__ import annotations

from sqlalchemy import MetaData


def target_metadata() -> MetaData:
    """Install every program and adapter (tables only, no settings) and return the shared metadata."""
    import bot.console.models
    import bot.models
    import bot.pace_store  # noqa: F401
    from app import install

    return install(None).metadata()
