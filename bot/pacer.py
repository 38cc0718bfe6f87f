"""The worker's pacing: how much room each tenant has, and when each claimed message may go.

State lives in a `PaceStore` (the database on PostgreSQL, so every worker shares
one budget per tenant and per conversation). A message is either given a send
time within `HORIZON` (the worker waits at most that long, pacing a batch) or
told when it may go next, so the worker hands it back instead of sleeping on it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot import throttle
from bot.metrics import SEND_RATE
from bot.pace_store import PaceState, PaceStore
from bot.throttle import PaceProfile, Window

HORIZON = 0.5  # seconds: a message whose slot is nearer than this is sent at its slot, not handed back
TENANT_KEY_PREFIX = "t:"  # a tenant's pace key is this and its id (`/metrics` joins on it in SQL)


@dataclass(frozen=True)
class Budget:
    """One tenant's budget as the pacer needs it."""

    tenant_id: int
    label: str  # platform and tenant, for /metrics
    profile: PaceProfile
    windows: tuple[Window, ...]  # per conversation

    @property
    def key(self) -> str:
        """The tenant's pace key."""
        return f"{TENANT_KEY_PREFIX}{self.tenant_id}"

    def conversation_keys(self, conversation: str) -> list[str]:
        """One pace key per window of a conversation."""
        return [f"c:{self.tenant_id}:{conversation}#{index}" for index in range(len(self.windows))]


@dataclass(frozen=True)
class Slot:
    """When one message goes: `delay` seconds from now, or not now (then `retry_in` and why)."""

    delay: float | None
    retry_in: float = 0.0
    reason: str = ""


@dataclass
class Plan:
    """The slots of a batch, in the order of its messages; `saturated` when the budget held some back."""

    slots: list[Slot] = field(default_factory=list)
    saturated: bool = False


class Pacer:
    """Budgets per tenant and per conversation, shared through `store`."""

    def __init__(self, store: PaceStore) -> None:
        self.store = store
        self.paused: dict[str, float] = {}  # tenant key → until when (monotonic) a 429 seen here says wait

    def pause(self, budget: Budget, seconds: float) -> None:
        """A 429 just came back: this process's sends already planned hold off too (not only new plans)."""
        self.paused[budget.key] = max(self.paused.get(budget.key, 0.0), time.monotonic() + seconds)

    def paused_for(self, budget: Budget) -> float:
        """Seconds this process still holds off the tenant's sends (0 when it may send)."""
        return max(0.0, self.paused.get(budget.key, 0.0) - time.monotonic())

    async def room(self, budgets: Sequence[Budget], most: int) -> tuple[dict[int, int], float]:
        """Messages each tenant may send by now + HORIZON (up to `most`), and the seconds until the
        first tenant that has none gets some (a hint for how long the worker may idle)."""
        states = await self.store.read([budget.key for budget in budgets])
        now = time.time()
        room: dict[int, int] = {}
        soonest = float("inf")
        for budget in budgets:
            state = states[budget.key]
            room[budget.tenant_id] = throttle.available(state, budget.profile, now, HORIZON, most)
            soonest = min(soonest, throttle.tenant_earliest(state, budget.profile, now) - now)
        return room, max(0.0, soonest)

    async def plan(self, budget: Budget, conversations: Sequence[str]) -> Plan:
        """A slot for each message (one per entry of `conversations`, in order), taken atomically."""
        keys = [budget.key]
        keys += [key for conversation in set(conversations) for key in budget.conversation_keys(conversation)]
        plan = Plan()

        def take(states: dict[str, PaceState]) -> None:
            now = time.time()
            tenant = states[budget.key]
            spacing = max((window.interval for window in budget.windows), default=0.0)
            for conversation in conversations:
                windows = [states[key] for key in budget.conversation_keys(conversation)]
                ready = throttle.conversation_earliest(windows, budget.windows, now)
                if ready > now + HORIZON:  # a busy conversation: each row given back waits for its own slot
                    plan.slots.append(Slot(None, throttle.queue_behind(windows, ready, spacing, now) - now,
                                           "conversation_limit"))
                    continue
                at = max(ready, throttle.tenant_earliest(tenant, budget.profile, now))
                if at > now + HORIZON:
                    plan.saturated = True
                    plan.slots.append(Slot(None, at - now, "budget"))
                    continue
                throttle.conversation_send(windows, budget.windows, at)
                throttle.tenant_send(tenant, budget.profile, at)
                plan.slots.append(Slot(at - now))

        await self.store.change(keys, take)
        return plan

    async def report(self, budget: Budget, *, accepted: int, saturated: bool, retry_after: float | None) -> None:
        """Adapt the tenant's rate to what the platform answered (see `throttle.adapt`)."""
        rates: list[float] = []

        def adapt(states: dict[str, PaceState]) -> None:
            state = states[budget.key]
            throttle.adapt(state, budget.profile, time.time(), accepted=accepted, saturated=saturated,
                           retry_after=retry_after)
            rates.append(throttle.rate_of(state, budget.profile))

        await self.store.change([budget.key], adapt)
        SEND_RATE.labels(tenant=budget.label).set(rates[0])

    async def forget_idle_conversations(self, older_than: float = 3600.0) -> None:
        """Drop conversation states whose slots passed more than `older_than` seconds ago."""
        await self.store.forget_before(time.time() - older_than)
