"""Where the programme's messages go, per tenant: review, stories, announcement and leadership channels."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.installation import Installation


def install(installation: Installation) -> None:
    """The programme's channel settings, their API and their part of the console's settings page."""
    from programs.channels import api, console, models

    installation.add_models(models)
    installation.add_api(api.router)
    console.register(installation.console)
