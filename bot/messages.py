"""The neutral message model: what programs say, before any platform renders it.

Text is a list of spans. Programs never build platform markup: user text is a
`Plain` span that every renderer escapes, so it cannot ping or link anybody.
Translated templates are turned into spans by `compose`.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, Field


class Plain(BaseModel):
    """Literal text; renderers escape it for their markup."""

    kind: Literal["plain"] = "plain"
    text: str


class Strong(BaseModel):
    """Emphasised literal text."""

    kind: Literal["strong"] = "strong"
    text: str


class Mention(BaseModel):
    """A reference to a member, rendered as the platform's mention."""

    kind: Literal["mention"] = "mention"
    external_id: str
    name: str = ""


class Link(BaseModel):
    """A hyperlink with a label (only http/https URLs are rendered as links)."""

    kind: Literal["link"] = "link"
    url: str
    label: str


class CommandRef(BaseModel):
    """A chat command as the member would type it (`/cx stats` in Slack, `stats` in Teams).

    `name` is the neutral command word (kudos, stats, leaderboard, help, …); `args`
    is an (already translated) example of what follows it.
    """

    kind: Literal["command"] = "command"
    name: str
    args: str = ""


Span = Annotated[Plain | Strong | Mention | Link | CommandRef, Field(discriminator="kind")]
AnySpan = Plain | Strong | Mention | Link | CommandRef
SpanArg = AnySpan | list[AnySpan] | str | int

_PLACEHOLDER = re.compile(r"\{(\w+)\}|\*([^*{}]+)\*")


def compose(template: str, **args: SpanArg) -> list[Span]:
    """Turn a translated template into spans.

    `{name}` is replaced by the argument (a span, a list of spans, or a value shown as
    plain text) and `*words*` in the template becomes `Strong`.

    Args:
        template: trusted text, usually from the gettext catalog.
        **args: the values; user-provided text must be passed as `str` or `Plain`.

    Returns:
        The spans, in order.
    """
    spans: list[Span] = []
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        if match.start() > position:
            spans.append(Plain(text=template[position : match.start()]))
        if match.group(1) is not None:
            spans.extend(_as_spans(args[match.group(1)]))
        else:
            spans.append(Strong(text=match.group(2)))
        position = match.end()
    if position < len(template):
        spans.append(Plain(text=template[position:]))
    return spans


def _as_spans(value: SpanArg) -> list[Span]:
    if isinstance(value, list):
        return list(value)
    if isinstance(value, Plain | Strong | Mention | Link | CommandRef):
        return [value]
    return [Plain(text=str(value))]


def join_spans(items: list[list[Span]], separator: str = ", ") -> list[Span]:
    """Join several span lists with a plain separator."""
    joined: list[Span] = []
    for index, item in enumerate(items):
        if index:
            joined.append(Plain(text=separator))
        joined.extend(item)
    return joined


def plain_text(spans: list[Span]) -> str:
    """The spans as unformatted text (notification fallbacks, logs, tests)."""
    parts = []
    for span in spans:
        if isinstance(span, Mention):
            parts.append(f"@{span.name or span.external_id}")
        elif isinstance(span, Link):
            parts.append(span.label)
        elif isinstance(span, CommandRef):
            parts.append(" ".join(filter(None, (span.name, span.args))))
        else:
            parts.append(span.text)
    return "".join(parts)


class Header(BaseModel):
    """A title line."""

    kind: Literal["header"] = "header"
    text: str


class Text(BaseModel):
    """A paragraph of spans."""

    kind: Literal["text"] = "text"
    spans: list[Span]


class Fields(BaseModel):
    """Label/value pairs shown as a compact grid."""

    kind: Literal["fields"] = "fields"
    items: list[tuple[str, list[Span]]]


class Image(BaseModel):
    """An image by URL."""

    kind: Literal["image"] = "image"
    url: str
    alt: str


class ContextLine(BaseModel):
    """Small print under a message."""

    kind: Literal["context"] = "context"
    spans: list[Span]


class Divider(BaseModel):
    """A separator."""

    kind: Literal["divider"] = "divider"


class Button(BaseModel):
    """A button that sends an action back to its program."""

    action_id: str
    label: str
    value: str = ""
    style: Literal["default", "primary", "danger"] = "default"
    url: str | None = None


class Actions(BaseModel):
    """A row of buttons."""

    kind: Literal["actions"] = "actions"
    buttons: list[Button]


Block = Annotated[
    Header | Text | Fields | Image | ContextLine | Divider | Actions, Field(discriminator="kind")
]


class Message(BaseModel):
    """A message a program sends: blocks plus a plain-text fallback for notifications."""

    fallback: str
    blocks: list[Block] = Field(default_factory=list)
    replaces: str | None = None
    """The platform id of an earlier message this one updates in place (Slack `chat.update`)."""


class Choice(BaseModel):
    """One option of a choice input."""

    value: str
    label: str


class TextInput(BaseModel):
    """A free-text field of a form."""

    kind: Literal["text_input"] = "text_input"
    input_id: str
    label: str
    multiline: bool = False
    max_length: int = 3000
    optional: bool = False
    initial: str = ""


class MemberPicker(BaseModel):
    """A field choosing one or more members."""

    kind: Literal["member_picker"] = "member_picker"
    input_id: str
    label: str
    multiple: bool = True
    optional: bool = False
    initial: list[str] = Field(default_factory=list)


class ChoiceInput(BaseModel):
    """A field choosing among options (one, or several with `multiple`)."""

    kind: Literal["choice_input"] = "choice_input"
    input_id: str
    label: str
    choices: list[Choice]
    multiple: bool = False
    optional: bool = False


Input = Annotated[TextInput | MemberPicker | ChoiceInput, Field(discriminator="kind")]


class Form(BaseModel):
    """A form opened for a member (a Slack modal, a Teams Adaptive Card form).

    `state` is opaque to the platform and comes back with the submission.
    """

    form_id: str
    title: str
    submit_label: str
    intro: list[Span] = Field(default_factory=list)
    inputs: list[Input]
    state: str = ""
