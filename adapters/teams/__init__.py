"""The Microsoft Teams adapter (botbuilder-core; every import of it stays in this package).

`install` registers its whole seam.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.db import Database
    from bot.engine import Engine
    from bot.installation import Connection, Installation


def install(installation: Installation) -> None:
    """Teams' tables, `fivefold manifest teams`, and (with settings) its port, routes and console package."""
    from adapters.teams import models
    from adapters.teams.cli import manifest_teams
    from adapters.teams.manifest import teams_package
    from adapters.teams.settings import TeamsSettings
    from bot.console.registry import Download
    from bot.installation import Connection, PlatformSeam

    installation.add_models(models)
    installation.add_subcommand("manifest", "teams", manifest_teams)
    if installation.settings is None:
        return
    settings = installation.settings
    teams = TeamsSettings.of(settings)

    def connect(engine: Engine, db: Database) -> Connection:
        from adapters.teams.app import TeamsAdapter
        from adapters.teams.http import teams_router

        adapter = TeamsAdapter(settings, teams, engine, db)
        return Connection(adapter.port, teams_router(adapter))

    package = Download("fivefold-teams.zip", "application/zip", lambda url: teams_package(teams.app_id, url))
    installation.add_platform(PlatformSeam("teams", teams.enabled, connect, package))
