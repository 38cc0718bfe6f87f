"""Kudos screens: the give-kudos form, `/cx stats`, `/cx leaderboard` and the home tab."""

from __future__ import annotations

from bot.i18n import Translator
from bot.messages import (
    Actions,
    Block,
    Button,
    Choice,
    ChoiceInput,
    CommandRef,
    ContextLine,
    Divider,
    Fields,
    Form,
    Header,
    MemberPicker,
    Message,
    Plain,
    Span,
    Strong,
    Text,
    TextInput,
    compose,
)
from bot.models import Member
from programs.reward.cards import mention
from programs.reward.kudos import MAX_MESSAGE
from programs.reward.stats import Leaderboard, MemberStats

FORM_ID = "kudos.form"


def kudos_form(t: Translator, values: list[str], *, receivers: list[str], state: str) -> Form:
    """The give-kudos form, with receivers pre-filled (e.g. a message's author)."""
    return Form(
        form_id=FORM_ID,
        title=t._("Give kudos"),
        submit_label=t._("Send kudos"),
        intro=compose(t._("Recognise someone for how they helped a customer or a colleague.")),
        inputs=[
            MemberPicker(input_id="kudos_members", label=t._("Who deserves kudos?"), initial=receivers),
            TextInput(input_id="message", label=t._("What did they do?"), multiline=True, max_length=MAX_MESSAGE),
            ChoiceInput(
                input_id="values", label=t._("Which of our values did it show?"), multiple=True,
                optional=True, choices=[Choice(value=v, label=f"#{v}") for v in values],
            ),
        ],
        state=state,
    )


def _in_all(t: Translator, total: int, month: int) -> list[Span]:
    return compose(t._("{total} in all, {month} this month"), total=total, month=month)


def stats_message(t: Translator, stats: MemberStats) -> Message:
    """`/cx stats`: the member's own figures."""
    left = t.ngettext("{n} kudos left to give today", "{n} kudos left to give today", stats.allowance_left)
    blocks: list[Block] = [
        Header(text=t._("Your kudos")),
        Fields(items=[
            (t._("Given"), _in_all(t, stats.given, stats.given_this_month)),
            (t._("Received"), _in_all(t, stats.received, stats.received_this_month)),
        ]),
        Text(spans=compose(left)),
    ]
    if stats.received_by_value:
        tags = ", ".join(f"#{slug} × {count}" for slug, count in stats.received_by_value)
        blocks.append(ContextLine(spans=compose(t._("Received by value: {values}"), values=tags)))
    return Message(fallback=t._("Your kudos"), blocks=blocks)


def _ranking(rows: list[tuple[Member, int]]) -> list[Span]:
    spans: list[Span] = []
    for rank, (member, count) in enumerate(rows, 1):
        spans.extend([Plain(text=f"{rank}. "), mention(member), Plain(text=f" — {count}\n")])
    return spans


def leaderboard_message(t: Translator, board: Leaderboard) -> Message:
    """`/cx leaderboard`: this month's top receivers, overall and per value."""
    blocks: list[Block] = [Header(text=t._("Kudos leaderboard — this month"))]
    if not board.overall:
        example = CommandRef(name="kudos", args=t._("@name thanks for …"))
        blocks.append(Text(spans=compose(t._("No kudos yet this month. Be the first: {command}"), command=example)))
        return Message(fallback=t._("Kudos leaderboard — this month"), blocks=blocks)
    blocks.append(Text(spans=_ranking(board.overall)))
    for slug, rows in board.by_value:
        blocks.append(Divider())
        blocks.append(Text(spans=[Strong(text=f"#{slug}"), Plain(text="\n"), *_ranking(rows)]))
    return Message(fallback=t._("Kudos leaderboard — this month"), blocks=blocks)


def home_message(t: Translator, stats: MemberStats, board: Leaderboard) -> Message:
    """The App Home tab: the member's stats, the leaderboard and a give-kudos button."""
    blocks: list[Block] = [
        Header(text=t._("Fivefold")),
        Text(spans=compose(t._("Recognise the people who make our customers' day."))),
        Actions(buttons=[Button(action_id="kudos.open_form", label=t._("Give kudos"), style="primary")]),
        Divider(),
    ]
    blocks.extend(stats_message(t, stats).blocks)
    blocks.append(Divider())
    blocks.extend(leaderboard_message(t, board).blocks)
    return Message(fallback=t._("Fivefold"), blocks=blocks)
