"""Engage: pulse surveys, eNPS and the CX maturity audit, with anonymity that holds against the database."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.installation import Installation


def install(installation: Installation) -> None:
    """Surveys in chat (after Reward: it adds open surveys to `stats`), their API, console pages and CLI."""
    from bot.i18n import N_
    from bot.installation import HelpEntry
    from programs.engage import api, cli, console_pages, handlers, models

    installation.add_models(models)
    handlers.register(installation.router, installation.settings)
    installation.add_api(api.router)
    console_pages.register(installation.console)
    installation.add_commands("surveys", cli.surveys_cli)
    installation.add_help(HelpEntry(30, "survey", N_("answer the latest survey waiting for you")))
