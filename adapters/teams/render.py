"""Neutral messages and forms rendered as Adaptive Cards 1.5 for Microsoft Teams.

Adaptive Card TextBlocks understand a Markdown subset, and Teams turns `<at>name</at>`
into a mention when the card lists a matching entity. User text is therefore
escaped so that it can neither format, link nor mention: Markdown punctuation is
backslash-escaped and `<`/`>` can never form an `<at>` tag.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bot import messages as m

CARD_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
TEXT_LIMIT = 4000
FORM_KEY = "fivefold"
_MARKDOWN = re.compile(r"([\\`*_\[\]<>~])")
_LIST_START = re.compile(r"(?m)^(\s*)([-+]|\d+\.)(\s)")
_URL_SCHEME = re.compile(r"(?i)\b(https?|ftp|mailto|file)(:)")
_WWW = re.compile(r"(?i)\bwww\.")


def escape_markdown(text: str) -> str:
    """User text made inert: no Markdown, autolinks, HTML or `<at>` mentions."""
    text = _MARKDOWN.sub(r"\\\1", text)
    text = _LIST_START.sub(r"\1\\\2\3", text)
    text = _URL_SCHEME.sub(r"\1\\\2", text)
    return _WWW.sub("www\\.", text)


class Spans:
    """Renders spans to TextBlock Markdown and collects the mention entities they need."""

    def __init__(self) -> None:
        self.entities: list[dict[str, Any]] = []

    def mention(self, span: m.Mention) -> str:
        """An `<at>` tag for the member, registering its entity once."""
        tag = f"<at>{escape_markdown(span.name or span.external_id)}</at>"
        entity = {
            "type": "mention",
            "text": tag,
            "mentioned": {"id": span.external_id, "name": span.name},
        }
        if entity not in self.entities:
            self.entities.append(entity)
        return tag

    def span(self, span: m.Span) -> str:
        """One span as TextBlock Markdown, user text escaped."""
        return SPAN_RENDERERS[type(span)](self, span)

    def text(self, spans: list[m.Span]) -> str:
        """Spans as TextBlock Markdown, cut to the card's text limit."""
        rendered = "".join(self.span(span) for span in spans)
        return rendered if len(rendered) <= TEXT_LIMIT else rendered[: TEXT_LIMIT - 1] + "…"


def _plain_span(_spans: Spans, span: m.Plain) -> str:
    return escape_markdown(span.text)


def _strong(_spans: Spans, span: m.Strong) -> str:
    return f"**{escape_markdown(span.text)}**" if span.text.strip() else escape_markdown(span.text)


def _command_ref(_spans: Spans, span: m.CommandRef) -> str:
    typed = " ".join(filter(None, (span.name, span.args)))
    return f"**{escape_markdown(typed)}**"


def _link(_spans: Spans, span: m.Link) -> str:
    safe = span.url.startswith(("https://", "http://")) and not set("()<> \n") & set(span.url)
    label = escape_markdown(span.label)
    return f"[{label}]({span.url})" if safe else label


SPAN_RENDERERS: dict[type[Any], Callable[[Spans, Any], str]] = {
    m.Plain: _plain_span,
    m.Strong: _strong,
    m.Mention: Spans.mention,
    m.Link: _link,
    m.CommandRef: _command_ref,
}


def text_block(text: str, **style: Any) -> dict[str, Any]:
    """A wrapping TextBlock (never empty: Teams rejects empty text)."""
    return {"type": "TextBlock", "text": text or " ", "wrap": True, **style}


def _header(block: m.Header, _spans: Spans) -> dict[str, Any]:
    return text_block(escape_markdown(block.text), size="Large", weight="Bolder")


def _text(block: m.Text, spans: Spans) -> dict[str, Any]:
    return text_block(spans.text(block.spans))


def _fields(block: m.Fields, spans: Spans) -> dict[str, Any]:
    facts = [
        {"title": escape_markdown(label), "value": spans.text(value)}
        for label, value in block.items
    ]
    return {"type": "FactSet", "facts": facts}


def _image(block: m.Image, _spans: Spans) -> dict[str, Any]:
    return {"type": "Image", "url": block.url, "altText": block.alt}


def _context(block: m.ContextLine, spans: Spans) -> dict[str, Any]:
    return text_block(spans.text(block.spans), size="Small", isSubtle=True)


def _button(button: m.Button) -> dict[str, Any]:
    if button.url:
        return {"type": "Action.OpenUrl", "title": button.label, "url": button.url}
    action: dict[str, Any] = {
        "type": "Action.Submit",
        "title": button.label,
        "data": {FORM_KEY: {"action": button.action_id, "value": button.value}},
    }
    if button.style != "default":
        action["style"] = "positive" if button.style == "primary" else "destructive"
    return action


def _actions(block: m.Actions, _spans: Spans) -> dict[str, Any]:
    return {"type": "ActionSet", "actions": [_button(button) for button in block.buttons]}


RENDERERS: dict[type[Any], Callable[[Any, Spans], dict[str, Any]]] = {
    m.Header: _header,
    m.Text: _text,
    m.Fields: _fields,
    m.Image: _image,
    m.ContextLine: _context,
    m.Actions: _actions,
}


def card(body: list[dict[str, Any]], spans: Spans, fallback: str, **extra: Any) -> dict[str, Any]:
    """An Adaptive Card 1.5 around `body`, with the mention entities `spans` collected."""
    built: dict[str, Any] = {
        "$schema": SCHEMA,
        "type": "AdaptiveCard",
        "version": VERSION,
        "body": body,
    }
    built.update(extra)
    built["fallbackText"] = fallback
    msteams: dict[str, Any] = {"width": "Full"}
    if spans.entities:
        msteams["entities"] = spans.entities
    built["msteams"] = msteams
    return built


def render_card(message: m.Message) -> dict[str, Any]:
    """The message as an Adaptive Card (dividers become the next element's separator)."""
    spans, body, separate = Spans(), [], False
    for block in message.blocks:
        if isinstance(block, m.Divider):
            separate = True
            continue
        element = RENDERERS[type(block)](block, spans)
        if separate:
            element["separator"], separate = True, False
        body.append(element)
    return card(body, spans, message.fallback)


def activity(card: dict[str, Any]) -> dict[str, Any]:
    """A message activity carrying `card`; `summary` is the plain-text fallback."""
    return {
        "type": "message",
        "summary": card.get("fallbackText", ""),
        "attachments": [{"contentType": CARD_TYPE, "content": card}],
    }


def render_activity(message: m.Message, *, tag: str | None = None) -> dict[str, Any]:
    """The message activity Fivefold posts for `message`.

    `tag` (a delivery's id) becomes the id of the card's first element and the
    activity's `channelData.fivefold.delivery`, so the post can be recognised later.
    """
    rendered = activity(render_card(message))
    if tag:
        body = rendered["attachments"][0]["content"]["body"]
        if body:
            body[0]["id"] = tag
        rendered["channelData"] = {"fivefold": {"delivery": tag}}
    return rendered
