"""Neutral messages and forms rendered as Slack Block Kit (through slack_sdk's models)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    ImageBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticMultiSelectElement,
    StaticSelectElement,
    UserMultiSelectElement,
    UserSelectElement,
)

from bot import messages as m
from bot.i18n import N_, translator

TEXT_LIMIT = 3000
# the same words as the Teams form says (one catalog entry)
NO_CHOICES = N_(
    "“{label}”: nothing to choose from yet. A Fivefold admin of this workspace can add "
    "the values to choose from; the form works without them meanwhile."
)


def escape_mrkdwn(text: str) -> str:
    """Escape user text so `<!channel>`, `<@U…>` and `<url|label>` render literally."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slash_command(span: m.CommandRef) -> str:
    """How a neutral command is typed in Slack: `/kudos …` or `/cx <word> …`."""
    typed = "/kudos" if span.name == "kudos" else f"/cx {span.name}"
    return f"{typed} {span.args}".strip()


def _command_ref(span: m.CommandRef) -> str:
    return f"`{escape_mrkdwn(slash_command(span))}`"


def _mention(span: m.Mention) -> str:
    return f"<@{span.external_id}>"


def _strong(span: m.Strong) -> str:
    return f"*{escape_mrkdwn(span.text)}*" if span.text.strip() else escape_mrkdwn(span.text)


def _link(span: m.Link) -> str:
    if span.url.startswith(("https://", "http://")) and not set("<>|") & set(span.url):
        return f"<{span.url}|{escape_mrkdwn(span.label)}>"
    return escape_mrkdwn(span.label)


def _plain_span(span: m.Plain) -> str:
    return escape_mrkdwn(span.text)


SPAN_RENDERERS: dict[type[Any], Callable[[Any], str]] = {
    m.Plain: _plain_span, m.Strong: _strong, m.Mention: _mention, m.Link: _link, m.CommandRef: _command_ref,
}


def mrkdwn(spans: list[m.Span], limit: int = TEXT_LIMIT) -> str:
    """Spans as Slack mrkdwn, cut to `limit` characters."""
    text = "".join(SPAN_RENDERERS[type(span)](span) for span in spans)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _markdown(spans: list[m.Span], limit: int = TEXT_LIMIT) -> MarkdownTextObject:
    # verbatim: Slack must not turn URLs or #channel words in user text into links
    return MarkdownTextObject(text=mrkdwn(spans, limit) or " ", verbatim=True)


def _plain(text: str, limit: int) -> PlainTextObject:
    return PlainTextObject(text=(text if len(text) <= limit else text[: limit - 1] + "…") or " ")


def _header(block: m.Header) -> Block:
    return HeaderBlock(text=_plain(block.text, 150))


def _text(block: m.Text) -> Block:
    return SectionBlock(text=_markdown(block.spans))


def _fields(block: m.Fields) -> Block:
    fields = [
        MarkdownTextObject(text=f"*{escape_mrkdwn(label)}*\n{mrkdwn(value, 1900)}", verbatim=True)
        for label, value in block.items[:10]
    ]
    return SectionBlock(fields=fields)


def _image(block: m.Image) -> Block:
    return ImageBlock(image_url=block.url, alt_text=block.alt[:2000] or " ")


def _context(block: m.ContextLine) -> Block:
    return ContextBlock(elements=[_markdown(block.spans)])


def _divider(_block: m.Divider) -> Block:
    return DividerBlock()


def _actions(block: m.Actions) -> Block:
    buttons = [
        ButtonElement(
            text=_plain(button.label, 75), action_id=button.action_id, value=button.value or None,
            url=button.url, style=None if button.style == "default" else button.style,
        )
        for button in block.buttons[:25]
    ]
    return ActionsBlock(elements=buttons)


RENDERERS: dict[type[Any], Callable[[Any], Block]] = {
    m.Header: _header, m.Text: _text, m.Fields: _fields, m.Image: _image,
    m.ContextLine: _context, m.Divider: _divider, m.Actions: _actions,
}


def render_blocks(message: m.Message) -> list[dict[str, Any]]:
    """The message's blocks as Block Kit JSON (at most 50, action ids made unique)."""
    blocks = [RENDERERS[type(block)](block).to_dict() for block in message.blocks[:50]]
    seen: dict[str, int] = {}
    for block in blocks:
        for element in block.get("elements", []):
            action_id = element.get("action_id")
            if action_id:
                seen[action_id] = seen.get(action_id, 0) + 1
                if seen[action_id] > 1:
                    element["action_id"] = f"{action_id}~{seen[action_id]}"
    return blocks


def render_message(message: m.Message) -> dict[str, Any]:
    """`chat.postMessage` arguments: `text` (notification fallback) and `blocks`."""
    return {"text": escape_mrkdwn(message.fallback)[:TEXT_LIMIT] or " ", "blocks": render_blocks(message)}


def _no_choices(spec: m.ChoiceInput, locale: str | None) -> Block:
    """Said instead of a select with no options (Slack rejects those)."""
    text = translator(locale)._(NO_CHOICES, label=spec.label)
    return ContextBlock(elements=[MarkdownTextObject(text=escape_mrkdwn(text)[:TEXT_LIMIT])])


def _input(spec: m.TextInput | m.MemberPicker | m.ChoiceInput) -> InputBlock:
    element: Any
    if isinstance(spec, m.TextInput):
        element = PlainTextInputElement(
            action_id=spec.input_id, multiline=spec.multiline,
            max_length=spec.max_length, initial_value=spec.initial or None,
        )
    elif isinstance(spec, m.MemberPicker):
        if spec.multiple:
            element = UserMultiSelectElement(action_id=spec.input_id, initial_users=spec.initial or None)
        else:
            first = spec.initial[0] if spec.initial else None
            element = UserSelectElement(action_id=spec.input_id, initial_user=first)
    else:
        options = [Option(value=c.value, text=_plain(c.label, 75)) for c in spec.choices[:100]]
        select = StaticMultiSelectElement if spec.multiple else StaticSelectElement
        element = select(action_id=spec.input_id, options=options)
    return InputBlock(
        block_id=spec.input_id, label=_plain(spec.label, 2000), element=element, optional=spec.optional
    )


def render_modal(form: m.Form, *, locale: str | None = None) -> dict[str, Any]:
    """A form as a Slack modal view (`locale`: the member's, for what the renderer says)."""
    blocks: list[Block] = []
    if form.intro:
        blocks.append(SectionBlock(text=_markdown(form.intro)))
    for spec in form.inputs:
        if isinstance(spec, m.ChoiceInput) and not spec.choices:
            blocks.append(_no_choices(spec, locale))
        else:
            blocks.append(_input(spec))
    return {
        "type": "modal",
        "callback_id": form.form_id,
        "title": _plain(form.title, 24).to_dict(),
        "submit": _plain(form.submit_label, 24).to_dict(),
        "private_metadata": form.state[:3000],
        "blocks": [block.to_dict() for block in blocks],
    }


def render_notice_modal(title: str, close: str, message: m.Message) -> dict[str, Any]:
    """A read-only modal showing `message` (the answer to a submitted form)."""
    return {
        "type": "modal",
        "title": _plain(title, 24).to_dict(),
        "close": _plain(close, 24).to_dict(),
        "blocks": render_blocks(message),
    }


def render_home(message: m.Message) -> dict[str, Any]:
    """The App Home tab view."""
    return {"type": "home", "blocks": render_blocks(message)}
