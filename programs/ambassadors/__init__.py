"""CX ambassadors (Engage): sign-up, review by HR, the roster and the ambassador role."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.installation import Installation


def install(installation: Installation) -> None:
    """Sign-up and roster in chat, the ambassadors API, review page and `fivefold ambassadors`."""
    from programs.ambassadors import api, cli, console, handlers, models

    installation.add_models(models)
    handlers.register(installation.router)
    installation.add_api(api.router)
    console.register(installation.console)
    installation.add_commands("ambassadors", cli.ambassadors_cli)
