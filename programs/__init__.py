"""The five levers. Each program registers its handlers with the engine's router."""

from __future__ import annotations

from bot.router import Router
from bot.settings import Settings


def load_models() -> None:
    """Import every program's tables so that they join the shared metadata."""
    from programs.engage import models as engage_models  # noqa: F401
    from programs.instruct import models as instruct_models  # noqa: F401
    from programs.reward import models as reward_models  # noqa: F401


def register_all(router: Router, settings: Settings | None = None) -> None:
    """Register every program's handlers (ticks that need settings get `settings`)."""
    from programs import help as help_program
    from programs.engage import handlers as engage
    from programs.instruct import handlers as instruct
    from programs.reward import handlers as reward

    load_models()
    reward.register(router)
    engage.register(router, settings)  # after Reward: it adds open surveys to `stats`
    instruct.register(router)
    help_program.register(router)
