"""A broadcast's validated parts: message, audience and schedule."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Discriminator, Field, HttpUrl, Tag, field_validator

from bot.api.fields import Label, NoNul, PlatformId

RECIPIENT = "recipient"


def check_zone(value: str) -> str:
    """`recipient` or a known IANA zone name."""
    if value == RECIPIENT:
        return value
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {value!r}; use an IANA name or 'recipient'") from exc
    return value


class Strict(BaseModel):
    """Unknown fields are an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class ButtonIn(Strict):
    """A link button under the message."""

    label: NoNul = Field(min_length=1, max_length=75)
    url: HttpUrl


class LocalizedText(Strict):
    """The message in one more language."""

    text: NoNul = Field(min_length=1, max_length=3000)
    header: NoNul | None = Field(None, max_length=150)


class MessageIn(Strict):
    """The broadcast's message; `translations` maps `pl`/`uk` to localized text."""

    text: NoNul = Field(min_length=1, max_length=3000)
    header: NoNul | None = Field(None, max_length=150)
    link: HttpUrl | None = None
    link_label: NoNul | None = Field(None, max_length=200)
    image_url: HttpUrl | None = None
    button: ButtonIn | None = None
    translations: dict[Literal["en", "pl", "uk"], LocalizedText] = Field(default_factory=dict)


class Everyone(Strict):
    """Every active, human member."""

    kind: Literal["everyone"]


class Members(Strict):
    """Listed members, by platform id."""

    kind: Literal["members"]
    members: list[PlatformId] = Field(min_length=1, max_length=50_000)


class Channel(Strict):
    """One post in a channel."""

    kind: Literal["channel"]
    channel: NoNul = Field(min_length=1, max_length=128)


class Segment(Strict):
    """Members whose attributes match every given filter."""

    kind: Literal["segment"]
    department: list[Label] | None = Field(None, max_length=1000)
    location: list[Label] | None = Field(None, max_length=1000)
    country: list[Label] | None = Field(None, max_length=1000)
    started_after: dt.date | None = None
    started_before: dt.date | None = None


class NewJoiners(Strict):
    """Members who started (or joined the workspace) within the last `days` days."""

    kind: Literal["new_joiners"]
    days: int = Field(ge=1, le=365)


NEUTRAL_KINDS = ("everyone", "members", "channel", "segment", "new_joiners")
ROLE_KIND = r"^[a-z][a-z0-9_]{0,31}$"


class Role(Strict):
    """Members holding a role that a program registered under `kind` (`Installation.add_audience`)."""

    kind: str = Field(pattern=ROLE_KIND)


def _audience_tag(value: Any) -> str | None:
    """The union member for `value`: a neutral kind by its name, any other kind is a role."""
    kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
    if not isinstance(kind, str):
        return None
    return kind if kind in NEUTRAL_KINDS else "role"


Audience = Annotated[
    Annotated[Everyone, Tag("everyone")] | Annotated[Members, Tag("members")] | Annotated[Channel, Tag("channel")]
    | Annotated[Segment, Tag("segment")] | Annotated[NewJoiners, Tag("new_joiners")] | Annotated[Role, Tag("role")],
    Discriminator(_audience_tag, custom_error_type="audience_kind",
                  custom_error_message="an audience needs a `kind`: " + ", ".join(NEUTRAL_KINDS)
                  + " or a role a program offers"),
]


class Once(Strict):
    """One send at a date and time (naive: wall-clock in `timezone`)."""

    kind: Literal["once"]
    at: dt.datetime
    timezone: NoNul = Field("UTC", max_length=64)

    _zone = field_validator("timezone")(check_zone)


class Recurring(Strict):
    """A cron schedule (`0 9 * * mon`) at a wall-clock time in `timezone`."""

    kind: Literal["recurring"]
    cron: NoNul = Field(min_length=9, max_length=100)
    timezone: NoNul = Field("UTC", max_length=64)
    skip_weekends: bool = False
    skip_holidays: bool = False

    _zone = field_validator("timezone")(check_zone)

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(value, timezone="UTC")
        except ValueError as exc:
            raise ValueError(f"invalid cron expression: {exc}") from exc
        return value


Schedule = Annotated[Once | Recurring, Field(discriminator="kind")]
