"""What HR sends to create or change a campaign: the broadcast library's fields, with a lever."""

from __future__ import annotations

from bot.broadcasts import schemas as broadcast
from programs.campaigns.levers import Lever


class CampaignIn(broadcast.CampaignIn):
    """`POST /api/v1/campaigns`."""

    lever: Lever


class CampaignPatch(broadcast.CampaignPatch):
    """`PATCH /api/v1/campaigns/{id}`: any subset of the fields, and `active`."""

    lever: Lever | None = None
