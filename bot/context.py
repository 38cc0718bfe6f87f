"""What a program handler gets: the tenant, the member, a session and helpers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.models import Member, Tenant
from bot.settings import Settings
from bot.tenant_settings import TenantSettings, settings_for


@dataclass
class Context:
    """One interaction's world. `session` is inside the interaction's transaction."""

    session: AsyncSession
    tenant: Tenant
    member: Member
    settings: Settings
    t: Translator
    now: dt.datetime
    members: dict[str, Member] = field(default_factory=dict)
    """The actor and the members the interaction names, by platform id (preloaded)."""

    @property
    def limits(self) -> TenantSettings:
        """The tenant's kudos allowance, emoji and anonymity threshold (its own, else the environment's)."""
        return settings_for(self.tenant, self.settings)

    def member_zone(self, member: Member | None = None) -> ZoneInfo:
        """The time zone of `member` (default: the actor), else the tenant's."""
        return zone_of(member or self.member, self.tenant)


def zone_of(member: Member, tenant: Tenant) -> ZoneInfo:
    """A member's own time zone, falling back to the tenant's default, then UTC."""
    for name in (member.timezone, tenant.default_timezone):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")
