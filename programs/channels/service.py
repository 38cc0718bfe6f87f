"""Reading and changing a tenant's programme settings."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import utcnow
from programs.channels.models import ProgrammeSettings

ChannelId = Field(default=None, min_length=1, max_length=128)


class ProgrammeSettingsIn(BaseModel):
    """The settings an admin may set; omitted fields keep their value, `null` clears one."""

    model_config = ConfigDict(extra="forbid")

    review_channel: str | None = ChannelId
    reviewers: list[str] | None = Field(default=None, max_length=50)
    stories_channels: list[str] | None = Field(default=None, max_length=10)
    announcement_channel: str | None = ChannelId
    leadership_channel: str | None = ChannelId
    team_channels: dict[str, str] | None = Field(default=None, max_length=200)


class ProgrammeSettingsOut(BaseModel):
    """The tenant's programme settings."""

    review_channel: str | None
    reviewers: list[str]
    stories_channels: list[str]
    announcement_channel: str | None
    leadership_channel: str | None
    team_channels: dict[str, str]


async def programme_settings(session: AsyncSession, tenant_id: int) -> ProgrammeSettings:
    """The tenant's settings (an unsaved, empty row when none were set)."""
    row = await session.get(ProgrammeSettings, tenant_id)
    return row if row is not None else ProgrammeSettings(tenant_id=tenant_id)


async def update_settings(session: AsyncSession, tenant_id: int, data: ProgrammeSettingsIn) -> ProgrammeSettings:
    """Apply the fields present in `data` and save."""
    row = await programme_settings(session, tenant_id)
    for name, value in data.model_dump(exclude_unset=True).items():
        if name in ("reviewers", "stories_channels"):
            value = [item.strip() for item in value or [] if item.strip()]
        setattr(row, name, value)
    row.updated_at = utcnow()
    session.add(row)
    await session.flush()
    return row


def settings_out(row: ProgrammeSettings) -> ProgrammeSettingsOut:
    """The API shape of a settings row."""
    return ProgrammeSettingsOut(
        review_channel=row.review_channel, reviewers=list(row.reviewers or []),
        stories_channels=list(row.stories_channels or []), announcement_channel=row.announcement_channel,
        leadership_channel=row.leadership_channel, team_channels=dict(row.team_channels or {}),
    )
