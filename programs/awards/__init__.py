"""Awards and recognition (Reward): cycles, categories, nominations in chat, one vote per category."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.installation import Installation


def install(installation: Installation) -> None:
    """`/cx nominate` and `/cx vote`, the awards API and console pages."""
    from bot.i18n import N_
    from bot.installation import HelpEntry
    from programs.awards import api, console, handlers, models

    installation.add_models(models)
    handlers.register(installation.router)
    installation.add_api(api.router)
    console.register(installation.console)
    installation.add_help(HelpEntry(80, "nominate", N_("nominate a colleague for an award")),
                          HelpEntry(90, "vote", N_("vote in the awards")))
