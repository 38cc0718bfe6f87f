"""Customer stories (Inspire): shared in a form, reviewed, published to the stories channels."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.installation import Installation


def install(installation: Installation) -> None:
    """`/cx story`, its review, the stories API and console page."""
    from bot.i18n import N_
    from bot.installation import HelpEntry
    from programs.stories import api, console, handlers, models

    installation.add_models(models)
    handlers.register(installation.router)
    installation.add_api(api.router)
    console.register(installation.console)
    installation.add_help(HelpEntry(70, "story", N_("share a customer story")))
