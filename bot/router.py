"""The interaction router: a table from (kind, route) to the program handler."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.interactions import Interaction, Kind, Reply

if TYPE_CHECKING:
    from bot.context import Context

Handler = Callable[["Context", Any], Awaitable[Reply]]
H = TypeVar("H", bound=Handler)
Tick = Callable[[AsyncSession, dt.datetime], Awaitable[int]]
T = TypeVar("T", bound=Tick)


class Router:
    """Programs register handlers at start-up; the engine looks them up per interaction."""

    def __init__(self) -> None:
        self._handlers: dict[tuple[Kind, str], Handler] = {}
        self._fallbacks: dict[Kind, Handler] = {}
        self.ticks: list[Tick] = []

    def on(self, kind: Kind, route: str) -> Callable[[H], H]:
        """Decorator registering a handler for `kind` interactions named `route`."""

        def register(handler: H) -> H:
            key = (kind, route)
            if key in self._handlers:
                raise ValueError(f"{kind}:{route} already has a handler")
            self._handlers[key] = handler
            return handler

        return register

    def extend(self, kind: Kind, route: str, wrap: Callable[[Handler], Handler]) -> None:
        """Replace the handler of `kind:route` by `wrap(handler)`: a program adding to another's reply."""
        key = (kind, route)
        if key not in self._handlers:
            raise ValueError(f"{kind}:{route} has no handler to extend")
        self._handlers[key] = wrap(self._handlers[key])

    def fallback(self, kind: Kind) -> Callable[[H], H]:
        """Decorator registering the handler for unknown routes of `kind` (e.g. help)."""

        def register(handler: H) -> H:
            self._fallbacks[kind] = handler
            return handler

        return register

    def lookup(self, interaction: Interaction) -> Handler | None:
        """The handler for `interaction`, else its kind's fallback, else None."""
        handler = self._handlers.get((interaction.kind, interaction.route))
        return handler or self._fallbacks.get(interaction.kind)

    def tick(self, job: T) -> T:
        """Decorator registering a job the scheduler leader runs on every tick.

        The job gets a session (its own transaction) and the time, and returns how
        many items it created; it must be idempotent (keyed rows), as ticks repeat.
        """
        self.ticks.append(job)
        return job

    def routes(self, kind: Kind) -> list[str]:
        """Registered route names of one kind (manifests, help)."""
        return sorted(route for k, route in self._handlers if k == kind)
