"""What the stories programme shows: the form, the review request, the published card."""

from __future__ import annotations

from bot.i18n import Translator
from bot.messages import (
    Actions,
    Block,
    Button,
    Choice,
    ChoiceInput,
    ContextLine,
    Fields,
    Form,
    Header,
    Message,
    Plain,
    Span,
    Text,
    TextInput,
    compose,
)
from bot.models import Member
from programs.reward.cards import mention
from programs.stories.models import Story
from programs.stories.service import CONSENT, MAX_CUSTOMER, MAX_NOTE, MAX_PART, MAX_TITLE

FORM_ID, EDIT_FORM, REASON_FORM = "story.form", "story.edit", "story.reason"
APPROVE, EDIT, CHANGES, DECLINE = "story.approve", "story.edit_open", "story.changes", "story.decline"


def _parts(t: Translator, story: Story | None = None) -> list[TextInput]:
    return [
        TextInput(input_id="title", label=t._("Title"), max_length=MAX_TITLE, initial=story.title if story else ""),
        TextInput(input_id="situation", label=t._("The customer's situation"), multiline=True,
                  max_length=MAX_PART, initial=story.situation if story else ""),
        TextInput(input_id="action", label=t._("What was done"), multiline=True, max_length=MAX_PART,
                  initial=story.action if story else ""),
        TextInput(input_id="outcome", label=t._("The outcome"), multiline=True, max_length=MAX_PART,
                  initial=story.outcome if story else ""),
    ]


def story_form(t: Translator, values: list[str]) -> Form:
    """The share-a-story form."""
    return Form(
        form_id=FORM_ID, title=t._("Share a customer story"), submit_label=t._("Send for review"),
        intro=compose(t._("Tell us how someone made a difference for a customer.")),
        inputs=[
            *_parts(t),
            ChoiceInput(input_id="value", label=t._("Which of our values does it show?"),
                        choices=[Choice(value=v, label=f"#{v}") for v in values]),
            TextInput(input_id="customer", label=t._("The customer's name, if the story names them"),
                      max_length=MAX_CUSTOMER, optional=True),
            ChoiceInput(input_id="consent", label=t._("Customer consent"), multiple=True, optional=True,
                        choices=[Choice(value=CONSENT, label=t._("The customer agreed to be named"))]),
        ],
    )


def edit_form(t: Translator, story: Story, state: str) -> Form:
    """Approve with edits: the story's text, prefilled, and an optional note to the author."""
    return Form(form_id=EDIT_FORM, title=t._("Edit and approve"), submit_label=t._("Approve and publish"),
                inputs=[*_parts(t, story), _note(t, optional=True)], state=state)


def reason_form(t: Translator, asking_changes: bool, state: str) -> Form:
    """Ask for changes or decline: the reason the author is told."""
    title = t._("Ask for changes") if asking_changes else t._("Decline the story")
    return Form(form_id=REASON_FORM, title=title, submit_label=t._("Send"), inputs=[_note(t)], state=state)


def _note(t: Translator, optional: bool = False) -> TextInput:
    return TextInput(input_id="note", label=t._("Note to the author"), multiline=True, max_length=MAX_NOTE,
                     optional=optional)


def _body(t: Translator, story: Story) -> list[Block]:
    return [
        Header(text=story.title),
        Fields(items=[(t._("The customer's situation"), [Plain(text=story.situation)]),
                      (t._("What was done"), [Plain(text=story.action)]),
                      (t._("The outcome"), [Plain(text=story.outcome)])]),
    ]


def review_request(t: Translator, author: Member, story: Story, channel: str) -> Message:
    """The story as reviewers see it, with Approve, Edit, Ask for changes and Decline."""
    value = f"{story.id}:{channel}"
    customer = compose(t._("Names the customer {customer} (consent given)."), customer=story.customer) \
        if story.customer else compose(t._("Names no customer."))
    return Message(fallback=t._("New customer story for review: {title}").format(title=story.title), blocks=[
        Text(spans=compose(t._("New customer story for review, from {author}, showing {value}:"),
                           author=mention(author), value=f"#{story.value}")),
        *_body(t, story),
        ContextLine(spans=customer),
        Actions(buttons=[
            Button(action_id=APPROVE, label=t._("Approve"), value=value, style="primary"),
            Button(action_id=EDIT, label=t._("Edit and approve"), value=value),
            Button(action_id=CHANGES, label=t._("Ask for changes"), value=value),
            Button(action_id=DECLINE, label=t._("Decline"), value=value, style="danger"),
        ]),
    ])


def published_card(t: Translator, author: Member, story: Story) -> Message:
    """The card posted to the stories channels."""
    credit: list[Span] = compose(t._("Shared by {author} · {value}"), author=mention(author), value=f"#{story.value}")
    return Message(fallback=t._("Customer story: {title}").format(title=story.title),
                   blocks=[*_body(t, story), ContextLine(spans=credit)])
