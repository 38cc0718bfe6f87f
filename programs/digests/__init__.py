"""The weekly digests: thank-you (kudos, stories, ambassadors), what our customers said, KPIs."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.installation import Installation


def install(installation: Installation) -> None:
    """The weekly digests' tick and their API."""
    from programs.digests import api, handlers, models

    installation.add_models(models)
    handlers.register(installation.router)
    installation.add_api(api.router)
