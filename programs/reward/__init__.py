"""Reward: kudos in chat, company values, the leaderboard and `stats`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.installation import Installation


def install(installation: Installation) -> None:
    """Kudos, `stats` and the leaderboard in chat; the values page and kudos chart; kudos in data exports."""
    from bot.i18n import N_
    from bot.installation import HelpEntry
    from programs.reward import console, handlers, models, privacy

    installation.add_models(models)
    handlers.register(installation.router)
    console.register(installation.console)
    privacy.register()
    installation.add_help(
        HelpEntry(10, "kudos", N_("thank someone in public"), N_("@name [@name …] message #value")),
        HelpEntry(20, "stats", N_("your kudos given and received, what is left today, and open surveys")),
        HelpEntry(40, "leaderboard", N_("this month's most recognised people")),
    )
