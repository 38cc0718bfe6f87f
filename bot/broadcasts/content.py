"""A broadcast's message as a neutral message, in the recipient's language."""

from __future__ import annotations

from functools import cache

from bot.broadcasts.schemas import MessageIn
from bot.messages import Actions, Block, Button, Header, Image, Link, Message, Plain, Span, Text


def broadcast_message(message: MessageIn, locale: str) -> Message:
    """Render HR's message (text is shown literally, never as markup) for `locale`."""
    localized = message.translations.get(locale)  # type: ignore[call-overload]
    text = localized.text if localized else message.text
    header = (localized.header if localized else None) or message.header
    blocks: list[Block] = []
    if header:
        blocks.append(Header(text=header))
    spans: list[Span] = [Plain(text=text)]
    if message.link:
        spans += [Plain(text="\n"), Link(url=str(message.link), label=message.link_label or str(message.link))]
    blocks.append(Text(spans=spans))
    if message.image_url:
        blocks.append(Image(url=str(message.image_url), alt=header or text[:100]))
    if message.button:
        blocks.append(Actions(buttons=[Button(action_id="broadcast.link", label=message.button.label,
                                              url=str(message.button.url))]))
    fallback = f"{header}: {text}" if header else text
    return Message(fallback=fallback[:3000], blocks=blocks)


@cache
def _parsed(raw: str) -> MessageIn:
    return MessageIn.model_validate_json(raw)


def message_for(raw: dict[str, object], locale: str) -> Message:
    """`broadcast_message` from the stored JSON."""
    import json

    return broadcast_message(_parsed(json.dumps(raw, sort_keys=True)), locale)
