"""What the ambassador programme shows: the form, the review request, outcomes and the roster."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from bot.i18n import Translator
from bot.messages import (
    Actions,
    Block,
    Button,
    CommandRef,
    Fields,
    Form,
    Header,
    Message,
    Plain,
    Span,
    Text,
    TextInput,
    compose,
    plain_text,
)
from bot.models import Member
from programs.ambassadors.models import Ambassador, Status
from programs.ambassadors.service import MAX_AREA, MAX_MOTIVATION
from programs.reward.cards import mention

FORM_ID = "ambassador.form"
APPROVE, DECLINE, STEP_DOWN = "ambassador.approve", "ambassador.decline", "ambassador.step_down"


def note(spans: list[Span]) -> Message:
    """A one-paragraph message."""
    return Message(fallback=plain_text(spans), blocks=[Text(spans=spans)])


def signup_form(t: Translator) -> Form:
    """The sign-up form: motivation, area and the hours a month the member can give."""
    return Form(
        form_id=FORM_ID, title=t._("Become a CX ambassador"), submit_label=t._("Apply"),
        intro=compose(t._("Ambassadors champion the customer experience in their area. "
                          "Agree the hours with your manager first.")),
        inputs=[
            TextInput(input_id="motivation", label=t._("Why do you want to be an ambassador?"),
                      multiline=True, max_length=MAX_MOTIVATION),
            TextInput(input_id="area", label=t._("Your area (customer journey stage or department)"),
                      max_length=MAX_AREA),
            TextInput(input_id="hours", label=t._("Hours a month you can give"), max_length=3),
        ],
    )


def review_request(t: Translator, applicant: Member, application: Ambassador) -> Message:
    """The application as reviewers see it, with Approve and Decline buttons."""
    assert application.id is not None
    title = t._("New CX ambassador application")
    value = str(application.id)
    return Message(fallback=f"{title}: {applicant.name}", blocks=[
        Header(text=title),
        Fields(items=[
            (t._("Applicant"), [mention(applicant)]),
            (t._("Area"), [Plain(text=application.area)]),
            (t._("Hours a month"), [Plain(text=str(application.hours_per_month))]),
        ]),
        Text(spans=[Plain(text=application.motivation)]),
        Actions(buttons=[
            Button(action_id=APPROVE, label=t._("Approve"), value=value, style="primary"),
            Button(action_id=DECLINE, label=t._("Decline"), value=value, style="danger"),
        ]),
    ])


def outcome_for_reviewer(t: Translator, applicant: Member, decided_by: Member | None, application: Ambassador,
                         changed: bool) -> Message:
    """What a reviewer sees after clicking: the decision, and who made it when it was someone else."""
    by: Span = mention(decided_by) if decided_by else Plain(text=t._("the admin API"))
    status = application.status
    if changed:
        text = t._("Approved: {name} is now a CX ambassador.") if status == Status.APPROVED else \
            t._("Declined: {name} has been told.")
        return note(compose(text, name=[mention(applicant)]))
    templates = {
        Status.APPROVED: t._("{name}'s application was already approved by {by}."),
        Status.DECLINED: t._("{name}'s application was already declined by {by}."),
    }
    text = templates.get(Status(status), t._("{name}'s application is no longer open."))
    return note(compose(text, name=[mention(applicant)], by=by))


def outcome_for_applicant(t: Translator, approved: bool, reason: str | None) -> Message:
    """The applicant's DM: approved with a welcome, or declined with the reason when one was given."""
    if approved:
        return Message(fallback=t._("Welcome, CX ambassador!"), blocks=[
            Header(text=t._("Welcome, CX ambassador!")),
            Text(spans=compose(t._("Your application was approved. Thank you for championing our customers. "
                                   "See who else is on the team with {command}."),
                               command=CommandRef(name="ambassadors"))),
        ])
    text = t._("Your ambassador application was declined. Reason: {reason}") if reason else \
        t._("Your ambassador application was declined. Your reviewers can tell you more.")
    return note(compose(text, reason=reason or ""))


def role_ended(t: Translator, stepped_down: bool) -> Message:
    """The DM when the role ends."""
    return note(compose(t._("You have stepped down as a CX ambassador. Thank you for everything you did.")
                        if stepped_down else t._("Your CX ambassador role has ended. Thank you for your work.")))


def your_status(t: Translator, application: Ambassador) -> Message:
    """`/cx ambassador` when the member already applied or holds the role."""
    if application.status == Status.PENDING:
        return note(compose(t._("Your application is with the reviewers; you will hear from us.")))
    return Message(fallback=t._("You are a CX ambassador."), blocks=[
        Text(spans=compose(t.ngettext("You are a CX ambassador for {area}, {n} hour a month.",
                                      "You are a CX ambassador for {area}, {n} hours a month.",
                                      application.hours_per_month, area="{area}"), area=application.area)),
        Actions(buttons=[Button(action_id=STEP_DOWN, label=t._("Step down"), value=str(application.id),
                                style="danger")]),
    ])


def roster_message(t: Translator, rows: Sequence[tuple[Ambassador, Member]]) -> Message:
    """`/cx ambassadors`: who they are, by area, with their pledged hours."""
    title = t._("CX ambassadors")
    blocks: list[Block] = [Header(text=title)]
    if not rows:
        blocks.append(Text(spans=compose(t._("No ambassadors yet. Be the first: {command}"),
                                         command=CommandRef(name="ambassador"))))
    for area, group in groupby(rows, key=lambda row: row[0].area):
        spans: list[Span] = [Plain(text=f"{area}\n")]
        for application, member in group:
            hours = t.ngettext("{n} hour a month", "{n} hours a month", application.hours_per_month)
            spans += [Plain(text="• "), mention(member), Plain(text=f" — {hours}\n")]
        blocks.append(Text(spans=spans))
    return Message(fallback=title, blocks=blocks)
