"""KPIs (Inform): targets, entered or computed values, status against target, the weekly KPI digest."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.installation import Installation


def install(installation: Installation) -> None:
    """KPI comments in chat, the KPIs API, the console page and `fivefold kpis import`."""
    from programs.kpis import api, cli, console, handlers, models

    installation.add_models(models)
    handlers.register(installation.router)
    installation.add_api(api.router)
    console.register(installation.console)
    installation.add_commands("kpis", cli.kpis_cli)
