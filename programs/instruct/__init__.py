"""Instruct: training tracks of micro-lessons, with an onboarding track for new members."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.installation import Installation


def install(installation: Installation) -> None:
    """Training tracks: lessons in chat, onboarding of new members, the tracks API and page, quiz data."""
    from programs.instruct import api, console, handlers, models, privacy

    installation.add_models(models)
    handlers.register(installation.router)
    installation.add_api(api.router)
    console.register(installation.console)
    privacy.register()
