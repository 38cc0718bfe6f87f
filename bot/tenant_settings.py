"""Per-tenant limits: the kudos allowance and emoji and the anonymity threshold.

The environment (`FIVEFOLD_KUDOS_DAILY_ALLOWANCE`, `FIVEFOLD_KUDOS_EMOJI`,
`FIVEFOLD_ANONYMITY_THRESHOLD`) gives the defaults; a tenant's own values, set in
the console or the admin API, are kept on its `tenant` row and win. The row is
already loaded with every interaction (the engine's world query), so reading them
on the kudos path costs no query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import UserFacingError
from bot.i18n import N_
from bot.models import Tenant
from bot.settings import Settings, get_settings

MIN_THRESHOLD = 3  # a tenant may never show groups smaller than this
MAX_THRESHOLD = 1000
MAX_ALLOWANCE = 1000
EMOJI = re.compile(r"[a-z0-9_+-]{1,100}")


@dataclass(frozen=True)
class TenantSettings:
    """The limits in force for one tenant (its own values, else the environment's)."""

    kudos_daily_allowance: int
    kudos_emoji: str
    anonymity_threshold: int
    pool_batch: int
    """The smallest batch the anonymous answer pool writes: never below the environment's threshold."""


def settings_for(tenant: Tenant, defaults: Settings) -> TenantSettings:
    """The limits for an already-loaded `tenant` (no query)."""
    threshold = tenant.anonymity_threshold or defaults.anonymity_threshold
    return TenantSettings(
        kudos_daily_allowance=tenant.kudos_daily_allowance or defaults.kudos_daily_allowance,
        kudos_emoji=tenant.kudos_emoji or defaults.kudos_emoji,
        anonymity_threshold=threshold,
        pool_batch=max(threshold, defaults.anonymity_threshold),
    )


async def tenant_settings(session: AsyncSession, tenant_id: int, defaults: Settings | None = None) -> TenantSettings:
    """The limits in force for `tenant_id`; the one way programs read them.

    Args:
        session: any session; a tenant row it already holds is reused without a query.
        tenant_id: the tenant.
        defaults: the environment's settings (the process-wide ones when omitted).

    Returns:
        The tenant's values where set, else the defaults (the defaults for an unknown tenant).
    """
    tenant = await session.get(Tenant, tenant_id)
    defaults = defaults or get_settings()
    return settings_for(tenant if tenant is not None else Tenant(platform="", external_id=""), defaults)


def normalise_emoji(value: str) -> str:
    """A Slack emoji name without surrounding colons (`:tada:` → `tada`).

    Raises:
        UserFacingError: when it is not lowercase letters, digits, `_`, `-`, `+` (at most 100).
    """
    name = value.strip()
    if len(name) >= 2 and name.startswith(":") and name.endswith(":"):
        name = name[1:-1]
    if not EMOJI.fullmatch(name):
        raise UserFacingError(
            N_("An emoji name is lowercase letters, digits, _, - and + (at most 100), like raised_hands."),
            field="kudos_emoji")
    return name


def check_threshold(value: int) -> int:
    """`value` as an anonymity threshold; refused below 3 (or absurdly high).

    Raises:
        UserFacingError: when it is out of range.
    """
    if not MIN_THRESHOLD <= value <= MAX_THRESHOLD:
        raise UserFacingError(N_("The anonymity threshold must be between {low} and {high}: smaller groups "
                                 "could identify people."), field="anonymity_threshold",
                              low=MIN_THRESHOLD, high=MAX_THRESHOLD)
    return value


def check_allowance(value: int) -> int:
    """`value` as a daily kudos allowance (1 to 1000).

    Raises:
        UserFacingError: when it is out of range.
    """
    if not 1 <= value <= MAX_ALLOWANCE:
        raise UserFacingError(N_("The daily kudos allowance must be between 1 and {high}."),
                              field="kudos_daily_allowance", high=MAX_ALLOWANCE)
    return value


@dataclass(frozen=True)
class Overrides:
    """A tenant's own values; None means "use the environment's default"."""

    kudos_daily_allowance: int | None
    kudos_emoji: str | None
    anonymity_threshold: int | None


def overrides_of(tenant: Tenant) -> Overrides:
    """What `tenant` set itself."""
    return Overrides(tenant.kudos_daily_allowance, tenant.kudos_emoji, tenant.anonymity_threshold)


async def update_overrides(session: AsyncSession, tenant_id: int, changes: dict[str, int | str | None]) -> Overrides:
    """Check and store the fields in `changes` (None clears one back to the default).

    Raises:
        UserFacingError: when a value is refused; nothing is then changed.
        LookupError: when there is no such tenant.
    """
    checked = {name: _checked(name, value) for name, value in changes.items()}
    tenant = await session.get(Tenant, tenant_id)
    if tenant is None:
        raise LookupError(tenant_id)
    for name, value in checked.items():
        setattr(tenant, name, value)
    session.add(tenant)
    await session.flush()
    return overrides_of(tenant)


def _checked(name: str, value: int | str | None) -> int | str | None:
    if value is None:
        return None
    if name == "kudos_emoji":
        return normalise_emoji(str(value))
    if name == "anonymity_threshold":
        return check_threshold(int(value))
    if name == "kudos_daily_allowance":
        return check_allowance(int(value))
    raise KeyError(name)
