"""The five levers. Each program registers its handlers with the engine's router."""

from __future__ import annotations

from bot.console.registry import ConsoleRegistry
from bot.router import Router


def load_models() -> None:
    """Import every program's tables so that they join the shared metadata."""
    from programs.instruct import models as instruct_models  # noqa: F401
    from programs.reward import models as reward_models  # noqa: F401


def register_personal_data() -> None:
    """Join every program's tables to the engine's data export and erasure (`bot.privacy`)."""
    from programs.instruct import privacy as instruct_privacy
    from programs.reward import privacy as reward_privacy

    reward_privacy.register()
    instruct_privacy.register()


def register_all(router: Router) -> None:
    """Register every program's handlers."""
    from programs import help as help_program
    from programs.instruct import handlers as instruct
    from programs.reward import handlers as reward

    load_models()
    register_personal_data()
    reward.register(router)
    instruct.register(router)
    help_program.register(router)


def register_console(registry: ConsoleRegistry) -> None:
    """Add every program's console pages and overview charts."""
    from programs.instruct import console as instruct_console
    from programs.reward import console as reward_console

    reward_console.register(registry)
    instruct_console.register(registry)
