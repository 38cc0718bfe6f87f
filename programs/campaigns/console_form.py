"""The campaign form: its fields to the admin API's `CampaignIn`, and a campaign back to its fields."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from bot.broadcasts.audience import Roles
from bot.broadcasts.models import Broadcast
from programs.campaigns.schemas import CampaignIn

FIELDS = ("name", "lever", "header", "text", "audience", "channel", "departments", "members", "days", "schedule", "at",
          "cron", "timezone", "skip_weekends", "skip_holidays")


def fields_of(form: FormData) -> dict[str, str]:
    """The form's known fields as stripped text (checkboxes: "on" or "")."""
    return {name: str(form.get(name) or "").strip() for name in FIELDS}


def _audience(fields: dict[str, str]) -> dict[str, Any]:
    kind = fields["audience"] or "everyone"
    if kind == "new_joiners":
        return {"kind": "new_joiners", "days": fields["days"] or "90"}
    if kind == "channel":
        return {"kind": "channel", "channel": fields["channel"]}
    if kind == "members":
        return {"kind": "members", "members": [part.strip() for part in fields["members"].split(",") if part.strip()]}
    if kind == "segment":
        departments = [part.strip() for part in fields["departments"].split(",") if part.strip()]
        return {"kind": "segment", "department": departments or None}
    return {"kind": kind}


def _schedule(fields: dict[str, str]) -> dict[str, Any]:
    zone = fields["timezone"] or "UTC"
    if fields["schedule"] == "recurring":
        return {"kind": "recurring", "cron": fields["cron"], "timezone": zone,
                "skip_weekends": fields["skip_weekends"] == "on", "skip_holidays": fields["skip_holidays"] == "on"}
    return {"kind": "once", "at": fields["at"] or None, "timezone": zone}


def parse_campaign(
    fields: dict[str, str], roles: Roles, stored: Broadcast | None = None
) -> tuple[CampaignIn | None, list[str]]:
    """The validated campaign, or the problems to show next to the form (field: reason).

    The form edits a message's heading and text and an audience's main filter; the rest
    of a stored campaign (link, image, button, translations, a segment's other filters,
    set through the API) is kept as it is.
    """
    message = {**(stored.message if stored else {}), "text": fields["text"], "header": fields["header"] or None}
    audience = _audience(fields)
    if stored is not None and stored.audience.get("kind") == audience["kind"]:
        audience = {**stored.audience, **audience}
    data = {"name": fields["name"], "lever": fields["lever"] or "inform", "message": message,
            "audience": audience, "schedule": _schedule(fields)}
    try:
        campaign = CampaignIn.model_validate(data)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}" for error in exc.errors()]
        return None, problems
    problem = roles.problem(campaign.audience)
    return (None, [f"audience.kind: {problem}"]) if problem else (campaign, [])


def fields_from(campaign: Broadcast) -> dict[str, str]:
    """A stored campaign as the form's fields, for editing."""
    audience, schedule, message = campaign.audience, campaign.schedule, campaign.message
    return {
        "name": campaign.name, "lever": campaign.label, "header": message.get("header") or "",
        "text": message.get("text", ""), "audience": audience.get("kind", "everyone"),
        "channel": audience.get("channel", ""), "departments": ", ".join(audience.get("department") or []),
        "members": ", ".join(audience.get("members") or []), "days": str(audience.get("days") or ""),
        "schedule": schedule.get("kind", "once"), "at": str(schedule.get("at") or "")[:16],
        "cron": schedule.get("cron", ""), "timezone": schedule.get("timezone", "UTC"),
        "skip_weekends": "on" if schedule.get("skip_weekends") else "",
        "skip_holidays": "on" if schedule.get("skip_holidays") else "",
    }


def blank_fields() -> dict[str, str]:
    """The form for a new campaign."""
    return {**dict.fromkeys(FIELDS, ""), "lever": "inform", "audience": "everyone", "schedule": "recurring",
            "cron": "0 9 * * mon", "timezone": "recipient", "skip_weekends": "on"}
