"""Registering the weekly digests with the scheduler."""

from __future__ import annotations

from bot.router import Router
from programs.digests.tick import digests_tick


def register(router: Router) -> None:
    """The digests run on the scheduler leader's tick."""
    router.tick(digests_tick)
