"""`/api/v1/settings/programme`: the channels and reviewers the programme uses."""

from __future__ import annotations

from fastapi import APIRouter

from bot.api.deps import AdminKey, ReaderKey, SessionDep
from programs.channels.service import (
    ProgrammeSettingsIn,
    ProgrammeSettingsOut,
    programme_settings,
    settings_out,
    update_settings,
)

router = APIRouter(prefix="/api/v1/settings/programme", tags=["settings"])


@router.get("")
async def read(session: SessionDep, key: ReaderKey) -> ProgrammeSettingsOut:
    """The tenant's review channel, reviewers, stories, announcement and leadership channels."""
    return settings_out(await programme_settings(session, key.tenant_id))


@router.put("")
async def write(data: ProgrammeSettingsIn, session: SessionDep, key: AdminKey) -> ProgrammeSettingsOut:
    """Set any of them; fields left out keep their value, `null` clears one."""
    return settings_out(await update_settings(session, key.tenant_id, data))
