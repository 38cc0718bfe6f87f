"""Pacing arithmetic: GCRA budgets (per tenant, per conversation window) and a rate found by AIMD.

Pure functions over `PaceState`s, so the same arithmetic runs on states kept in
memory (SQLite) or in locked database rows (PostgreSQL, shared by every worker).

* A budget of `rate` messages a second with a burst of `burst` is a GCRA: a
  message may go at the earliest moment `t >= tat - (burst - 1)/rate`; sending moves
  `tat` to `max(tat, t) + 1/rate`.
* A conversation's limits ("1 a second", "60 in 30 s" …) are one GCRA per window,
  without burst (messages evenly spaced at the strictest window's pace).
* A tenant's rate is found from the platform's answers: it starts safe, grows
  while messages are accepted and the budget is what holds them back (quickly
  until the first 429, then by a few messages a second per second), and is cut
  on a 429, at most once per pause, which also stops every send until
  Retry-After has passed.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.pace_store import PaceState

SLOW_START = 1.0  # before the first 429 the rate doubles per second of full sending
FIRST_CUT = 0.6  # the first 429 ends that growth: it overshot by up to half
INCREASE = 1.5  # after it, by this many messages a second per second
CUT = 0.9  # every later 429 cuts the rate to this fraction
FLOOR = 0.5  # messages a second: never slower than this


@dataclass(frozen=True)
class Window:
    """At most `limit` messages in any `span` seconds."""

    span: float
    limit: int

    @property
    def interval(self) -> float:
        """Seconds between messages at the sustained rate."""
        return self.span / self.limit


@dataclass(frozen=True)
class PaceProfile:
    """How a platform's tenant budget starts and how far it may grow."""

    start: float  # messages a second before anything is known
    ceiling: float  # never faster (the operator's setting, or the platform's documented maximum)
    burst: int  # messages that may go at once after a quiet spell


def windows_of(limits: tuple[tuple[float, int], ...]) -> tuple[Window, ...]:
    """(seconds, messages) pairs as windows."""
    return tuple(Window(span, limit) for span, limit in limits)


def conversation_earliest(states: list[PaceState], windows: tuple[Window, ...], now: float) -> float:
    """The earliest moment the conversation (one state per window) may take another message.

    Without burst: a GCRA's burst would let `limit + 1` messages into some `span`, which a
    platform counting a sliding window refuses; evenly spaced messages never exceed it.
    """
    return max([now] + [state.tat for state in states])


def conversation_send(states: list[PaceState], windows: tuple[Window, ...], at: float) -> None:
    """Record a message sent to the conversation at `at`."""
    for state, window in zip(states, windows, strict=True):
        state.tat = max(state.tat, at) + window.interval


def queue_behind(states: list[PaceState], ready: float, spacing: float, now: float) -> float:
    """When a message the busy conversation cannot take now should come back: after the rows already
    given back to wait for it (one `spacing` apart), or at `ready` when none is waiting.

    Without this every row of a long queue came back at the same `ready` and was claimed and given
    back again, all of them, each time the conversation took one message.
    """
    queue = states[0]
    at = max(ready, queue.queued_until + spacing) if queue.queued_until > now else ready
    queue.queued_until = at
    return at


def rate_of(state: PaceState, profile: PaceProfile) -> float:
    """The tenant's current rate (the profile's start before it was ever adapted)."""
    return min(profile.ceiling, state.rate if state.rate is not None else profile.start)


def tenant_earliest(state: PaceState, profile: PaceProfile, now: float) -> float:
    """The earliest moment the tenant's budget allows another message."""
    rate = rate_of(state, profile)
    return max(now, state.paused_until, state.tat - (profile.burst - 1) / rate)


def tenant_send(state: PaceState, profile: PaceProfile, at: float) -> None:
    """Take one message of the tenant's budget, sent at `at`."""
    state.tat = max(state.tat, at) + 1.0 / rate_of(state, profile)


def available(state: PaceState, profile: PaceProfile, now: float, horizon: float, most: int) -> int:
    """How many messages (up to `most`) the tenant's budget allows by `now + horizon`."""
    trial = PaceState(state.key, state.tat, state.rate, state.paused_until, state.cut_at)
    count = 0
    while count < most and (at := tenant_earliest(trial, profile, now)) <= now + horizon:
        tenant_send(trial, profile, at)
        count += 1
    return count


def adapt(state: PaceState, profile: PaceProfile, now: float, *, accepted: int, saturated: bool,
          retry_after: float | None) -> None:
    """Change the tenant's rate after a batch.

    Args:
        accepted: messages the platform accepted.
        saturated: the budget held messages back (growth is earned only then, not by a trickle).
        retry_after: the longest Retry-After of the batch's 429s (None: no 429).
    """
    rate = rate_of(state, profile)
    if retry_after is not None:
        state.paused_until = max(state.paused_until, now + retry_after)
        if now - state.cut_at >= max(1.0, retry_after):  # one cut per overload, however many workers saw it
            rate, state.cut_at = max(FLOOR, rate * (FIRST_CUT if state.cut_at == 0.0 else CUT)), now
    elif accepted and saturated:
        growth = SLOW_START * rate if state.cut_at == 0.0 else INCREASE
        rate += growth * accepted / rate  # accepted / rate: the seconds of sending this batch stood for
    rate = min(profile.ceiling, rate)
    if state.tat > now:  # the messages already taken ahead now stand for less (or more) time
        state.tat = now + (state.tat - now) * rate_of(state, profile) / rate
    state.rate = rate
