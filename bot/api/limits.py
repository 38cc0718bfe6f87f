"""`/api/v1/settings/limits`: the tenant's kudos allowance, kudos emoji and anonymity threshold."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from bot.api.deps import AdminKey, ReaderKey, SessionDep
from bot.api.errors import invalid, not_found
from bot.errors import UserFacingError
from bot.i18n import translator
from bot.models import Tenant
from bot.settings import Settings
from bot.tenant_settings import overrides_of, settings_for, update_overrides

router = APIRouter(prefix="/api/v1/settings/limits", tags=["settings"])


class LimitsIn(BaseModel):
    """The limits an admin may set; omitted fields keep their value, `null` goes back to the default."""

    model_config = ConfigDict(extra="forbid")

    kudos_daily_allowance: int | None = Field(default=None, description="Kudos a member may give per day (1–1000).")
    kudos_emoji: str | None = Field(default=None, max_length=102,
                                    description="Slack emoji name, with or without colons (`tada`, `:tada:`).")
    anonymity_threshold: int | None = Field(default=None, description="Smallest group shown (3–1000).")


class Limits(BaseModel):
    """One set of the three values."""

    kudos_daily_allowance: int | None
    kudos_emoji: str | None
    anonymity_threshold: int | None


class LimitsOut(BaseModel):
    """The values in force, the tenant's own (null: not set) and the environment's defaults."""

    in_force: Limits
    own: Limits
    defaults: Limits


def _out(tenant: Tenant, settings: Settings) -> LimitsOut:
    force, own = settings_for(tenant, settings), overrides_of(tenant)
    return LimitsOut(
        in_force=Limits(kudos_daily_allowance=force.kudos_daily_allowance, kudos_emoji=force.kudos_emoji,
                        anonymity_threshold=force.anonymity_threshold),
        own=Limits(kudos_daily_allowance=own.kudos_daily_allowance, kudos_emoji=own.kudos_emoji,
                   anonymity_threshold=own.anonymity_threshold),
        defaults=Limits(kudos_daily_allowance=settings.kudos_daily_allowance, kudos_emoji=settings.kudos_emoji,
                        anonymity_threshold=settings.anonymity_threshold))


async def _tenant(session: SessionDep, tenant_id: int) -> Tenant:
    tenant = await session.get(Tenant, tenant_id)
    if tenant is None:
        raise not_found("tenant")
    return tenant


@router.get("")
async def read(request: Request, session: SessionDep, key: ReaderKey) -> LimitsOut:
    """The kudos allowance, kudos emoji and anonymity threshold in force, the tenant's own and the defaults."""
    return _out(await _tenant(session, key.tenant_id), request.app.state.runtime.settings)


@router.put("")
async def write(data: LimitsIn, request: Request, session: SessionDep, key: AdminKey) -> LimitsOut:
    """Set any of them; fields left out keep their value, `null` goes back to the environment's default."""
    tenant = await _tenant(session, key.tenant_id)
    try:
        await update_overrides(session, key.tenant_id, data.model_dump(exclude_unset=True))
    except UserFacingError as refusal:
        raise invalid((refusal.field or "body",), translator("en")._(refusal.message, **refusal.params)) from None
    return _out(tenant, request.app.state.runtime.settings)
