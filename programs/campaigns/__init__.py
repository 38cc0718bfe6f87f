"""Campaigns (Inform, Inspire, Instruct): messages HR plans for an audience on a schedule.

The broadcast machinery they run on (audiences, schedules, occurrences, deliveries,
the scheduler) is the engine's library, `bot.broadcasts`: a campaign is a broadcast
whose `label` is its lever. This program adds the lever, the admin API (which says
`lever`), the console pages and the `campaigns`/`deliveries` commands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.installation import Installation


def install(installation: Installation) -> None:
    """The campaigns and occurrences API, the campaigns page, `fivefold campaigns` and `fivefold deliveries`."""
    from pathlib import Path

    from bot.console.models import ConsoleRole
    from bot.console.registry import ConsolePage
    from bot.console.render import add_template_folder
    from bot.i18n import N_
    from programs.campaigns import api, cli, console, occurrences

    installation.add_api(api.router)
    installation.add_api(occurrences.router)
    add_template_folder(Path(__file__).resolve().parent / "templates")
    readers = frozenset({ConsoleRole.ADMIN, ConsoleRole.ANALYST})
    installation.console.add_page(ConsolePage("/campaigns", N_("Campaigns"), console.router, readers, order=10))
    installation.add_commands("campaigns", cli.campaigns_cli)
    installation.add_commands("deliveries", cli.deliveries_cli)
