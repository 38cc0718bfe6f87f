"""CX ambassadors (Engage): sign-up, review by HR, the roster and the ambassador role."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.installation import Installation


def install(installation: Installation) -> None:
    """Sign-up and roster in chat, the ambassadors API, review page, `fivefold ambassadors` and the
    `{"kind": "ambassadors"}` audience of broadcasts (campaigns, surveys)."""
    from bot.i18n import N_
    from bot.installation import HelpEntry
    from programs.ambassadors import api, cli, console, handlers, models
    from programs.ambassadors.service import ambassador_member_ids

    installation.add_models(models)
    installation.add_audience("ambassadors", ambassador_member_ids)
    handlers.register(installation.router)
    installation.add_api(api.router)
    console.register(installation.console)
    installation.add_commands("ambassadors", cli.ambassadors_cli)
    installation.add_help(HelpEntry(50, "ambassador", N_("sign up as a CX ambassador")),
                          HelpEntry(60, "ambassadors", N_("the CX ambassadors, by area")))
