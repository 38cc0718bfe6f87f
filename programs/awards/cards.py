"""The awards' forms and messages: nominate, vote, confirmations and the results."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Translator
from bot.messages import (
    Block,
    Choice,
    ChoiceInput,
    Form,
    Header,
    MemberPicker,
    Message,
    Plain,
    Span,
    Text,
    TextInput,
    compose,
    plain_text,
)
from bot.models import Member
from programs.awards.models import AwardCategory, AwardCycle
from programs.reward.cards import mention

NOMINATE_FORM, VOTE_FORM = "awards.nominate", "awards.vote"
MAX_REASON = 500


def note(spans: list[Span]) -> Message:
    """A one-paragraph message."""
    return Message(fallback=plain_text(spans), blocks=[Text(spans=spans)])


def nominate_form(t: Translator, cycle: AwardCycle, categories: Sequence[AwardCategory]) -> Form:
    """Nominate a colleague in one category, with a reason."""
    return Form(
        form_id=NOMINATE_FORM, title=t._("Nominate a colleague"), submit_label=t._("Nominate"),
        intro=compose(t._("{cycle}: who deserves an award, and why?"), cycle=cycle.name),
        inputs=[
            MemberPicker(input_id="nominee_members", label=t._("Who?"), multiple=False),
            ChoiceInput(input_id="category", label=t._("Category"),
                        choices=[Choice(value=str(c.id), label=c.name) for c in categories]),
            TextInput(input_id="reason", label=t._("Why do they deserve it?"), multiline=True, max_length=MAX_REASON),
        ],
        state=str(cycle.id),
    )


def vote_form(t: Translator, cycle: AwardCycle, ballot: Sequence[tuple[AwardCategory, Sequence[Member]]]) -> Form:
    """One choice per category among its nominees (the voter is left out); a new vote replaces the old."""
    return Form(
        form_id=VOTE_FORM, title=t._("Vote"), submit_label=t._("Vote"),
        intro=compose(t._("{cycle}: one vote per category. You can change it until voting closes."),
                      cycle=cycle.name),
        inputs=[
            ChoiceInput(input_id=f"category_{category.id}", label=category.name, optional=True,
                        choices=[Choice(value=m.external_id, label=m.name) for m in people])
            for category, people in ballot if people
        ],
        state=str(cycle.id),
    )


def results_message(t: Translator, cycle: AwardCycle, results: Sequence[tuple[AwardCategory, list[Member]]]) -> Message:
    """The announcement: each category's winners."""
    title = t._("{cycle}: the winners").format(cycle=cycle.name)
    blocks: list[Block] = [Header(text=title)]
    for category, people in results:
        spans: list[Span] = [Plain(text=f"{category.name}: ")]
        if people:
            for i, member in enumerate(people):
                spans += [Plain(text=", ")] if i else []
                spans.append(mention(member))
        else:
            spans += compose(t._("no votes"))
        blocks.append(Text(spans=spans))
    return Message(fallback=title, blocks=blocks)


def winner_dm(t: Translator, cycle: AwardCycle, category: AwardCategory) -> Message:
    """Congratulations to a winner."""
    return note(compose(t._("Congratulations! You won “{category}” in {cycle}."), category=category.name,
                        cycle=cycle.name))
