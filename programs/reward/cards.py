"""The messages kudos sends: the public card, the receiver's DM, the giver's receipt."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Translator, translator
from bot.messages import (
    Actions,
    Button,
    ContextLine,
    Header,
    Mention,
    Message,
    Plain,
    Span,
    Text,
    compose,
    join_spans,
    plain_text,
)
from bot.models import Member


def mention(member: Member) -> Mention:
    """A mention span for `member`."""
    return Mention(external_id=member.external_id, name=member.name)


def _value_line(t: Translator, values: Sequence[str]) -> ContextLine | None:
    if not values:
        return None
    tags = " ".join(f"#{slug}" for slug in values)
    return ContextLine(spans=compose(t._("Values: {values}"), values=tags))


def public_card(
    t: Translator, giver: Member, receivers: Sequence[Member], message: str, values: Sequence[str]
) -> Message:
    """The card posted in the channel where kudos were given."""
    who = join_spans([[mention(r)] for r in receivers])
    headline = compose(t._("{giver} gave kudos to {receivers}"), giver=mention(giver), receivers=who)
    blocks: list[Header | Text | ContextLine] = [
        Header(text=t._("Kudos!")),
        Text(spans=headline),
        Text(spans=[Plain(text=f"“{message}”")]),
    ]
    line = _value_line(t, values)
    if line:
        blocks.append(line)
    return Message(fallback=plain_text(headline), blocks=list(blocks))


def receiver_dm(
    locale: str, giver: Member, message: str, values: Sequence[str], channel_id: str | None
) -> Message:
    """The DM each receiver gets, in their own language."""
    t = translator(locale)
    headline = compose(t._("{giver} gave you kudos:"), giver=mention(giver))
    blocks: list[Text | ContextLine | Actions] = [
        Text(spans=headline),
        Text(spans=[Plain(text=f"“{message}”")]),
    ]
    line = _value_line(t, values)
    if line:
        blocks.append(line)
    blocks.append(Actions(buttons=[Button(action_id="kudos.open_form", label=t._("Pay it forward"))]))
    return Message(fallback=plain_text(headline) + " " + message, blocks=list(blocks))


def giver_receipt(t: Translator, receivers: Sequence[Member], left: int) -> Message:
    """The private confirmation to the giver, with the allowance left today."""
    who: list[Span] = join_spans([[mention(r)] for r in receivers])
    sent = compose(t._("Kudos sent to {receivers}."), receivers=who)
    remaining = t.ngettext(
        "You have {n} kudos left to give today.", "You have {n} kudos left to give today.", left
    )
    spans = [*sent, Plain(text=" "), *compose(remaining)]
    return Message(fallback=plain_text(spans), blocks=[Text(spans=spans)])
