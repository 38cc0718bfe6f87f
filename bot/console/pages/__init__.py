"""The engine's own console pages; `register_engine_pages` adds them to a registry."""

from __future__ import annotations

from bot.console.models import ConsoleRole
from bot.console.registry import ConsolePage, ConsoleRegistry
from bot.i18n import N_

ADMINS = frozenset({ConsoleRole.ADMIN})
READERS = frozenset({ConsoleRole.ADMIN, ConsoleRole.ANALYST})


def register_engine_pages(registry: ConsoleRegistry) -> None:
    """Overview, people, settings and the audit log."""
    from bot.console.pages import audit, overview, people, settings

    registry.add_page(ConsolePage("", N_("Overview"), overview.router, order=0))
    registry.add_page(ConsolePage("/people", N_("People"), people.router, ADMINS, order=40))
    registry.add_page(ConsolePage("/settings", N_("Settings"), settings.router, ADMINS, order=80))
    registry.add_page(ConsolePage("/audit", N_("Audit log"), audit.router, ADMINS, order=90))
    registry.add_chart(overview.delivery_health)
