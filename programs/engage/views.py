"""Survey messages: the invitation (buttons for the first question), the form, and what replaces them.

HR's words (the survey's name, own questions) are shown literally (`Plain`);
everything around them is translated into the member's language.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.messages import (
    Actions,
    Block,
    Button,
    Choice,
    ChoiceInput,
    ContextLine,
    Form,
    Header,
    Input,
    Message,
    Plain,
    Text,
    TextInput,
    compose,
)
from programs.engage.models import Survey, SurveyRound
from programs.engage.questions import Question, questions_of
from programs.engage.templates import SCALE, TEXT

ANSWER = "survey.answer"
OPEN = "survey.open"
FORM_ID = "survey.form"
BUTTONS_MAX = 11


def local_time(moment: dt.datetime, zone: ZoneInfo) -> str:
    """`2026-03-04 18:00 (Europe/Warsaw)`: a moment on the member's own clock."""
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M} ({zone.key})"


def _privacy(t: Translator, survey: Survey) -> str:
    if survey.anonymous:
        return t._("Your answers are anonymous: they are stored without your name, and results are only "
                   "shown for groups large enough that no one can be singled out.")
    return t._("This survey is not anonymous: your name is stored with your answers, and you may change "
               "them until the survey closes.")


def invitation(
    t: Translator, survey: Survey, round_: SurveyRound, zone: ZoneInfo, *, reminder: bool = False
) -> Message:
    """The invitation DM (or a reminder): the first question as buttons, or a button opening the form."""
    assert round_.id is not None
    questions = questions_of(survey.questions)
    first = questions[0]
    if reminder:
        intro = t._("A reminder: we would still love to hear from you.")
    else:
        intro = t._("We would love to hear from you.")
    until = t._("Open until {time}.", time=local_time(round_.closes_at, zone))
    blocks: list[Block] = [Header(text=survey.name[:150]), Text(spans=[Plain(text=f"{intro} {until}")])]
    options = first.options(t)
    if options and len(options) <= BUTTONS_MAX:
        blocks.append(Text(spans=compose("*{question}*", question=Plain(text=first.shown(t)))))
        if first.kind == SCALE:
            blocks.append(ContextLine(spans=[Plain(text=t._("0 = not at all likely, 10 = extremely likely"))]))
        blocks.append(Actions(buttons=[Button(action_id=ANSWER, label=label, value=f"{round_.id}:{value}")
                                       for value, label in options]))
    else:
        count = t.ngettext("{n} question", "{n} questions", len(questions))
        blocks.append(Actions(buttons=[Button(action_id=OPEN, label=t._("Answer ({count})", count=count),
                                              value=str(round_.id), style="primary")]))
    blocks.append(ContextLine(spans=[Plain(text=_privacy(t, survey))]))
    return Message(fallback=t._("Survey: {name}", name=survey.name), blocks=blocks)


def answered(t: Translator, survey: Survey) -> Message:
    """What the invitation becomes once answered (never the answer itself)."""
    text = t._("Thank you — your answer is recorded.")
    if not survey.anonymous:
        text += " " + t._("You can change it until the survey closes with the survey command.")
    return Message(fallback=text, blocks=[Header(text=survey.name[:150]), Text(spans=[Plain(text=text)])])


def _input(t: Translator, question: Question) -> Input:
    label = question.shown(t)[:2000]
    if question.kind == TEXT:
        return TextInput(input_id=question.key, label=label, multiline=True, max_length=2000,
                         optional=question.optional)
    choices = [Choice(value=value, label=label) for value, label in question.options(t)]
    return ChoiceInput(input_id=question.key, label=label, choices=choices, optional=question.optional)


def survey_form(t: Translator, survey: Survey, round_id: int, *, answered_first: str | None = None) -> Form:
    """The survey as a form; with `answered_first` (the first question's answer from a button) the rest."""
    questions = questions_of(survey.questions)
    shown = questions[1:] if answered_first is not None else questions
    state = f"{round_id}:{answered_first}" if answered_first is not None else str(round_id)
    return Form(form_id=FORM_ID, title=survey.name[:24], submit_label=t._("Send"),
                intro=[Plain(text=_privacy(t, survey))], inputs=[_input(t, q) for q in shown], state=state)


def open_surveys(t: Translator, rounds: list[tuple[Survey, SurveyRound, bool]], zone: ZoneInfo) -> list[Block]:
    """Blocks listing the member's open surveys (for `/cx stats`)."""
    if not rounds:
        return [Text(spans=[Plain(text=t._("No surveys are waiting for you."))])]
    lines = []
    for survey, round_, done in rounds:
        status = t._("answered") if done else t._("open until {time}", time=local_time(round_.closes_at, zone))
        lines.append(f"• {survey.name} — {status}")
    return [Text(spans=compose(t._("*Surveys*"))), Text(spans=[Plain(text="\n".join(lines))])]
