"""Where pacing state lives: process memory (SQLite, one process) or the database (shared by workers).

A pace row is the state of one budget (a workspace/tenant, or one window of one
conversation): `tat` is the GCRA's theoretical arrival time (epoch seconds), and
for a tenant also the rate found so far, when the platform's Retry-After ends and
when the rate was last cut; for a conversation also how far ahead the rows given
back to wait for it already reach (`queued_until`: the next one given back goes
after them, so a busy conversation's rows are not claimed again all at once).
Every worker process on one PostgreSQL reads and updates the same rows under row
locks, so together they stay within one budget.
"""

from __future__ import annotations

import abc
import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Column, Float, String, delete
from sqlmodel import Field, SQLModel, col, select

from bot.db import Database, dialect_of, upsert_insert


class Pace(SQLModel, table=True):
    """One budget's pacing state (see the module docstring)."""

    key: str = Field(sa_column=Column(String(200), primary_key=True))
    tat: float = Field(default=0.0, sa_column=Column(Float, nullable=False, default=0.0))
    rate: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    paused_until: float = Field(default=0.0, sa_column=Column(Float, nullable=False, default=0.0))
    cut_at: float = Field(default=0.0, sa_column=Column(Float, nullable=False, default=0.0))
    queued_until: float = Field(default=0.0, sa_column=Column(Float, nullable=False, default=0.0))


@dataclass
class PaceState:
    """A pace row as plain values (what the pacing arithmetic reads and changes)."""

    key: str
    tat: float = 0.0
    rate: float | None = None
    paused_until: float = 0.0
    cut_at: float = 0.0
    queued_until: float = 0.0


Change = Callable[[dict[str, PaceState]], None]


class PaceStore(abc.ABC):
    """Reads pace states, and changes some atomically."""

    @abc.abstractmethod
    async def read(self, keys: Sequence[str]) -> dict[str, PaceState]:
        """The current states of `keys` (fresh states for keys never used)."""

    @abc.abstractmethod
    async def change(self, keys: Sequence[str], change: Change) -> None:
        """Apply `change` to the states of `keys` with no other writer in between."""

    async def forget_before(self, moment: float) -> None:  # noqa: B027 - memory forgets nothing
        """Drop conversation states whose last slot is older than `moment`."""


class MemoryPaceStore(PaceStore):
    """Pacing in this process's memory: enough for SQLite, which runs one process."""

    def __init__(self) -> None:
        self.states: dict[str, PaceState] = {}
        self.lock = asyncio.Lock()

    async def read(self, keys: Sequence[str]) -> dict[str, PaceState]:
        """Copies, so a reader never sees a half-made change."""
        return {key: PaceState(**vars(self.states.get(key, PaceState(key)))) for key in keys}

    async def change(self, keys: Sequence[str], change: Change) -> None:
        """Change in place (one event loop: nothing runs between the read and the write)."""
        async with self.lock:
            states = {key: self.states.setdefault(key, PaceState(key)) for key in keys}
            change(states)

    async def forget_before(self, moment: float) -> None:
        """Drop conversation states (no rate) whose slots and queued rows have all passed."""
        for key in [k for k, s in self.states.items() if s.rate is None and max(s.tat, s.queued_until) < moment]:
            del self.states[key]


class DatabasePaceStore(PaceStore):
    """Pacing in the `pace` table, locked row by row (keys in order, so two workers never deadlock)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def read(self, keys: Sequence[str]) -> dict[str, PaceState]:
        """One unlocked read (a hint: `change` decides)."""
        async with self.db.transaction() as session:
            rows = (await session.execute(select(Pace).where(col(Pace.key).in_(keys)))).scalars()
            found = {row.key: _state(row) for row in rows}
        return {key: found.get(key, PaceState(key)) for key in keys}

    async def change(self, keys: Sequence[str], change: Change) -> None:
        """Insert missing rows, lock them all, apply `change`, write them back: one transaction."""
        ordered = sorted(set(keys))
        async with self.db.transaction() as session:
            insert = upsert_insert(dialect_of(session))(Pace).on_conflict_do_nothing(index_elements=["key"])
            await session.execute(insert, [{"key": key, "tat": 0.0, "paused_until": 0.0, "cut_at": 0.0,
                                            "queued_until": 0.0}
                                           for key in ordered])
            query = select(Pace).where(col(Pace.key).in_(ordered)).order_by(col(Pace.key)).with_for_update()
            rows = {row.key: row for row in (await session.execute(query)).scalars()}
            states = {key: _state(row) for key, row in rows.items()}
            change(states)
            for key, state in states.items():
                row = rows[key]
                row.tat, row.rate = state.tat, state.rate
                row.paused_until, row.cut_at = state.paused_until, state.cut_at
                row.queued_until = state.queued_until

    async def forget_before(self, moment: float) -> None:
        """Delete conversation rows whose slots and queued rows have all passed."""
        async with self.db.transaction() as session:
            await session.execute(delete(Pace).where(col(Pace.rate).is_(None), col(Pace.tat) < moment,
                                                  col(Pace.queued_until) < moment))


def _state(row: Pace) -> PaceState:
    return PaceState(row.key, row.tat, row.rate, row.paused_until, row.cut_at, row.queued_until)


def pace_store(db: Database) -> PaceStore:
    """The database on PostgreSQL (shared by every worker), memory on SQLite (one process)."""
    return DatabasePaceStore(db) if db.dialect == "postgresql" else MemoryPaceStore()
