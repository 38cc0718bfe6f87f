"""The programme's channels on the console's settings page, saved through the same service as the admin API."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.deps import SessionDep
from bot.console.models import ConsoleRole
from bot.console.pages.settings_view import settings_page
from bot.console.registry import ConsolePage, ConsoleRegistry, SettingsSection
from bot.console.render import add_template_folder
from bot.console.session import AdminChange
from bot.console.users import record
from bot.i18n import N_
from programs.channels.service import ProgrammeSettingsIn, programme_settings, settings_out, update_settings

router = APIRouter()
Channel = Annotated[str, Form(max_length=400)]
INVALID = N_("A channel id is 1 to 128 characters, and a list holds at most 10 channels.")


async def channels_of(session: AsyncSession, tenant_id: int) -> dict[str, Any]:
    """What the settings section shows: the tenant's programme channels."""
    return {"channels": settings_out(await programme_settings(session, tenant_id))}


def _one(value: str) -> str | None:
    return value.strip() or None


@router.post("")
async def save_channels(request: Request, viewer: AdminChange, session: SessionDep,
                        announcement_channel: Channel = "", stories_channels: Channel = "",
                        review_channel: Channel = "", leadership_channel: Channel = "") -> Response:
    """Set the announcements, stories, review and leadership channels (empty clears one)."""
    assert viewer.tenant.id is not None
    try:
        data = ProgrammeSettingsIn(
            announcement_channel=_one(announcement_channel), review_channel=_one(review_channel),
            leadership_channel=_one(leadership_channel),
            stories_channels=[part.strip() for part in stories_channels.split(",") if part.strip()])
    except ValidationError:
        return await settings_page(request, viewer, session, status.HTTP_422_UNPROCESSABLE_CONTENT,
                                   channels_error=viewer.t._(INVALID))
    before = settings_out(await programme_settings(session, viewer.tenant.id)).model_dump()
    after = settings_out(await update_settings(session, viewer.tenant.id, data)).model_dump()
    changed = {name: {"from": before[name], "to": value} for name, value in after.items() if before[name] != value}
    if changed:
        await record(session, viewer.user, "settings.channels_changed", ", ".join(changed), **changed)
    await session.commit()
    return RedirectResponse("/admin/settings#channels", status.HTTP_303_SEE_OTHER)


def register(registry: ConsoleRegistry) -> None:
    """The channels section of the settings page, and its form's target."""
    add_template_folder(Path(__file__).resolve().parent / "templates")
    registry.add_page(ConsolePage("/settings/channels", N_("Channels"), router, frozenset({ConsoleRole.ADMIN}),
                                  order=81, menu=False))
    registry.add_settings_section(SettingsSection("channels_settings.html", channels_of))
