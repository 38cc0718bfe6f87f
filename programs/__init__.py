"""The five levers. Each program registers its handlers with the engine's router."""

from __future__ import annotations

from bot.console.registry import ConsoleRegistry
from bot.router import Router
from bot.settings import Settings


def load_models() -> None:
    """Import every program's tables so that they join the shared metadata."""
    from programs.ambassadors import models as ambassador_models  # noqa: F401
    from programs.awards import models as award_models  # noqa: F401
    from programs.channels import models as channel_models  # noqa: F401
    from programs.digests import models as digest_models  # noqa: F401
    from programs.engage import models as engage_models  # noqa: F401
    from programs.instruct import models as instruct_models  # noqa: F401
    from programs.kpis import models as kpi_models  # noqa: F401
    from programs.reward import models as reward_models  # noqa: F401
    from programs.stories import models as story_models  # noqa: F401
    from programs.voice import models as voice_models  # noqa: F401


def register_personal_data() -> None:
    """Join every program's tables to the engine's data export and erasure (`bot.privacy`)."""
    from programs.instruct import privacy as instruct_privacy
    from programs.reward import privacy as reward_privacy

    reward_privacy.register()
    instruct_privacy.register()


def register_all(router: Router, settings: Settings | None = None) -> None:
    """Register every program's handlers (ticks that need settings get `settings`)."""
    from programs import help as help_program
    from programs.ambassadors import handlers as ambassadors
    from programs.awards import handlers as awards
    from programs.digests import handlers as digests
    from programs.engage import handlers as engage
    from programs.instruct import handlers as instruct
    from programs.kpis import handlers as kpis
    from programs.reward import handlers as reward
    from programs.stories import handlers as stories

    load_models()
    register_personal_data()
    reward.register(router)
    engage.register(router, settings)  # after Reward: it adds open surveys to `stats`
    instruct.register(router)
    ambassadors.register(router)
    stories.register(router)
    digests.register(router)
    awards.register(router)
    kpis.register(router)
    help_program.register(router)


def register_console(registry: ConsoleRegistry) -> None:
    """Add every program's console pages and overview charts."""
    from programs.ambassadors import console as ambassador_console
    from programs.awards import console as award_console
    from programs.channels import console as channels_console
    from programs.engage import console_pages as engage_console
    from programs.instruct import console as instruct_console
    from programs.kpis import console as kpi_console
    from programs.reward import console as reward_console
    from programs.stories import console as story_console
    from programs.voice import console as voice_console

    reward_console.register(registry)
    instruct_console.register(registry)
    engage_console.register(registry)
    story_console.register(registry)
    ambassador_console.register(registry)
    channels_console.register(registry)
    award_console.register(registry)
    kpi_console.register(registry)
    voice_console.register(registry)
