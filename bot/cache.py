"""Small per-database caches for rows that change rarely (read on every request)."""

from __future__ import annotations

import time
import weakref
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

V = TypeVar("V")


class PerDatabaseCache(Generic[V]):
    """Values cached for `ttl` seconds, kept apart per database engine.

    Keyed by the engine object (weakly), so two Fivefold apps in one process (tests,
    tools) never see each other's rows, and a dropped engine drops its entries.
    """

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock  # replaceable, so a test can age the entries without sleeping
        self._entries: weakref.WeakKeyDictionary[Any, dict[Hashable, tuple[float, V]]] = weakref.WeakKeyDictionary()

    async def get(self, session: AsyncSession, key: Hashable, load: Callable[[], Awaitable[V]]) -> V:
        """The cached value for `key`, loading (and caching) it when missing or expired."""
        engine = session.bind
        entries = self._entries.setdefault(engine, {}) if engine is not None else {}
        found = entries.get(key)
        now = self.clock()
        if found is not None and found[0] > now:
            return found[1]
        value = await load()
        entries[key] = (now + self.ttl, value)
        return value

    def forget(self, session: AsyncSession, key: Hashable) -> None:
        """Drop `key` (after a change this process made)."""
        if session.bind is not None:
            self._entries.get(session.bind, {}).pop(key, None)
