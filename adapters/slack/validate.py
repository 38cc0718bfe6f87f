"""One validation per Slack request: the body parsed once, checked against `payloads`, and sorted.

`check_body` answers one of three things: the validated body Bolt may see, a polite refusal
(only text a person typed is wrong: too long, or a NUL byte), or "malformed" (400).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from pydantic import TypeAdapter, ValidationError

from adapters.slack.payloads import USER_TEXT_ERROR, JsonPayload, SlashCommand

MAX_FORM_FIELDS = 64
_JSON: TypeAdapter[Any] = TypeAdapter(JsonPayload)
_SLASH = TypeAdapter(SlashCommand)


@dataclass(frozen=True)
class Checked:
    """The outcome: `body` (validated fields only) or `refused_kind` (+ the block) or neither."""

    body: dict[str, Any] | None = None
    refused_kind: str | None = None
    refused_block: str | None = None

    @property
    def malformed(self) -> bool:
        """Neither valid nor a refusal: answer 400."""
        return self.body is None and self.refused_kind is None


MALFORMED = Checked()


def check_body(body: bytes, content_type: str) -> Checked:
    """Validate a verified Slack request body (JSON Events API, or a form)."""
    try:
        if content_type.startswith("application/json"):
            return _validated(_JSON, body, None)
        fields = parse_qs(body.decode("utf-8"), max_num_fields=MAX_FORM_FIELDS)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return MALFORMED
    if "payload" in fields:
        return _validated(_JSON, fields["payload"][0], None)
    return _validated(_SLASH, {key: values[0] for key, values in fields.items()}, "slash_command")


def _validated(adapter: TypeAdapter[Any], data: Any, kind: str | None) -> Checked:
    try:
        model = adapter.validate_json(data) if isinstance(data, (bytes, str)) else adapter.validate_python(data)
    except ValidationError as invalid:
        return _refusal(invalid, kind)
    except (ValueError, RecursionError):
        return MALFORMED
    return Checked(body=model.model_dump(exclude_none=True))


def _refusal(invalid: ValidationError, kind: str | None) -> Checked:
    """A refusal when every error is typed text; otherwise malformed."""
    errors = invalid.errors(include_url=False, include_context=False, include_input=False)
    if not errors or any(error["type"] != USER_TEXT_ERROR for error in errors):
        return MALFORMED
    loc = errors[0]["loc"]
    if kind is None:  # a union: the first location is the payload kind's tag
        kind, loc = str(loc[0]), loc[1:]
    block = str(loc[3]) if kind == "view_submission" and loc[:3] == ("view", "state", "values") else None
    return Checked(refused_kind=kind, refused_block=block)
