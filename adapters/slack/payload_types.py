"""The building blocks of the Slack payload models: bounded string types and the common objects.

Every model is strict (no coercion: `5` is not a string) and blind to fields Fivefold never
reads. `TypedText` and `MessageText` (what a person wrote) fail with their own error type, so a request
whose only fault is such a text gets a polite refusal instead of a 400.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

USER_TEXT_ERROR = "user_text"
TYPED_LIMIT = 4000  # a slash command's or a modal input's text
MESSAGE_LIMIT = 40_000  # Slack's own limit for a message

NO_NUL = r"^[^\x00]*$"
SlackId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:=\-]+$")]
Name = Annotated[str, StringConstraints(max_length=255, pattern=NO_NUL)]
Key = Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=NO_NUL)]
Blob = Annotated[str, StringConstraints(max_length=3000, pattern=NO_NUL)]
Locale = Annotated[str, StringConstraints(max_length=16, pattern=r"^[A-Za-z0-9_\-]*$")]


def _limited(limit: int) -> AfterValidator:
    def check(value: str) -> str:
        if len(value) > limit or "\x00" in value:
            raise PydanticCustomError(USER_TEXT_ERROR, "text longer than {limit} characters or with a NUL byte",
                                      {"limit": limit})
        return value

    return AfterValidator(check)


TypedText = Annotated[str, _limited(TYPED_LIMIT)]
MessageText = Annotated[str, _limited(MESSAGE_LIMIT)]


class Shape(BaseModel):
    """Strict (no coercion: `5` is not a string), and blind to fields Fivefold never reads."""

    model_config = ConfigDict(strict=True, extra="ignore")


class Team(Shape):
    id: SlackId
    domain: Name = ""
    enterprise_id: SlackId | None = None


class Enterprise(Shape):
    id: SlackId
    name: Name | None = None


class User(Shape):
    id: SlackId
    team_id: SlackId | None = None
    locale: Locale | None = None


class Channel(Shape):
    id: SlackId
    name: Name | None = None


class Authorization(Shape):
    enterprise_id: SlackId | None = None
    team_id: SlackId | None = None
    user_id: SlackId | None = None
    is_bot: bool = False
    is_enterprise_install: bool = False


class Envelope(Shape):
    """What Bolt's context builder reads on every kind (enterprise, team, installs)."""

    enterprise: Enterprise | None = None
    enterprise_id: SlackId | None = None
    is_enterprise_install: bool | None = None
    authorizations: Annotated[list[Authorization], Field(max_length=10)] | None = None
    team: Team | None = None
    response_url: Blob | None = None


class Interactive(Envelope):
    """An interactivity payload: someone did something, in a workspace Fivefold must know."""

    user: User

    @model_validator(mode="after")
    def _names_a_workspace(self) -> Interactive:
        if self.team is None and self.user.team_id is None:
            raise ValueError("no team id (neither team.id nor user.team_id)")
        return self
