"""Reward: kudos in chat, company values, the leaderboard and `stats`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.installation import Installation


def install(installation: Installation) -> None:
    """Kudos, `stats` and the leaderboard in chat; the values page and kudos chart; kudos in data exports."""
    from programs.reward import console, handlers, models, privacy

    installation.add_models(models)
    handlers.register(installation.router)
    console.register(installation.console)
    privacy.register()
