"""The customer's voice (Inform): customer feedback, customer NPS per team, the weekly card."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.installation import Installation


def install(installation: Installation) -> None:
    """Customer feedback: its API, the customer NPS chart of the console and `fivefold feedback import`."""
    from programs.voice import api, cli, console, models

    installation.add_models(models)
    installation.add_api(api.router)
    console.register(installation.console)
    installation.add_commands("feedback", cli.feedback_cli)
