"""What HR sends to create or change a campaign: a broadcast's parts, with the lever it serves."""

from __future__ import annotations

from pydantic import Field

from bot.api.fields import NoNul
from bot.broadcasts.schemas import Audience, MessageIn, Schedule, Strict
from programs.campaigns.levers import Lever


class CampaignIn(Strict):
    """`POST /api/v1/campaigns`."""

    name: NoNul = Field(min_length=1, max_length=200)
    lever: Lever
    message: MessageIn
    audience: Audience
    schedule: Schedule


class CampaignPatch(Strict):
    """`PATCH /api/v1/campaigns/{id}`: any subset of the fields, and `active`."""

    name: NoNul | None = Field(None, min_length=1, max_length=200)
    lever: Lever | None = None
    message: MessageIn | None = None
    audience: Audience | None = None
    schedule: Schedule | None = None
    active: bool | None = None

