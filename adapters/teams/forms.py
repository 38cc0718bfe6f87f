"""Neutral forms rendered as Adaptive Card forms whose `Action.Submit` returns a Submission.

A form with a member picker declares Adaptive Cards 1.6: Teams' people picker is
`Input.ChoiceSet` with `choices.data` (`Data.Query` over `graph.microsoft.com/users`),
a 1.6 property; Teams desktop and web render it. Every other card stays 1.5.
"""

from __future__ import annotations

from typing import Any

from adapters.teams.render import FORM_KEY, Spans, card, escape_markdown, text_block
from bot import messages as m
from bot.i18n import N_, Translator, translator

PEOPLE_PICKER_VERSION = "1.6"
REQUIRED = N_("Please fill in “{label}”.")
NO_CHOICES = N_(
    "“{label}”: nothing to choose from yet. A Fivefold admin of this workspace can add "
    "the values to choose from; the form works without them meanwhile."
)


def _input(
    spec: m.TextInput | m.MemberPicker | m.ChoiceInput, t: Translator, names: dict[str, str]
) -> dict[str, Any]:
    common: dict[str, Any] = {"id": spec.input_id, "label": spec.label, "isRequired": not spec.optional}
    if not spec.optional:
        common["errorMessage"] = t._(REQUIRED, label=spec.label)
    if isinstance(spec, m.TextInput):
        return {
            "type": "Input.Text",
            **common,
            "isMultiline": spec.multiline,
            "maxLength": spec.max_length,
            "value": spec.initial,
        }
    if isinstance(spec, m.MemberPicker):
        # Teams' people picker answers with AAD object ids, comma-separated; a pre-filled
        # member shows by name only when listed among the static choices
        return {
            "type": "Input.ChoiceSet",
            **common,
            "isMultiSelect": spec.multiple,
            "choices": [{"title": names.get(i) or i, "value": i} for i in spec.initial],
            "choices.data": {"type": "Data.Query", "dataset": "graph.microsoft.com/users"},
            "value": ",".join(spec.initial),
        }
    if not spec.choices:
        return text_block(escape_markdown(t._(NO_CHOICES, label=spec.label)), isSubtle=True)
    choices = [{"title": choice.label, "value": choice.value} for choice in spec.choices]
    return {
        "type": "Input.ChoiceSet",
        **common,
        "isMultiSelect": spec.multiple,
        "style": "expanded" if spec.multiple else "compact",
        "choices": choices,
    }


def render_form(
    form: m.Form, *, locale: str | None = None, names: dict[str, str] | None = None
) -> dict[str, Any]:
    """A form as an Adaptive Card whose `Action.Submit` comes back as our Submission.

    Args:
        form: the neutral form.
        locale: the member's locale (for the inputs' error messages).
        names: display names of pre-filled members, by AAD object id.
    """
    spans, t = Spans(), translator(locale)
    body = [text_block(escape_markdown(form.title), size="Medium", weight="Bolder")]
    if form.intro:
        body.append(text_block(spans.text(form.intro)))
    body.extend(_input(spec, t, names or {}) for spec in form.inputs)
    lists = [
        spec.input_id
        for spec in form.inputs
        if isinstance(spec, m.MemberPicker | m.ChoiceInput)
        and (spec.multiple or isinstance(spec, m.MemberPicker))
    ]
    submit = {
        "type": "Action.Submit",
        "title": form.submit_label,
        "style": "positive",
        "data": {FORM_KEY: {"form": form.form_id, "state": form.state, "lists": lists}},
    }
    extra: dict[str, Any] = {"actions": [submit]}
    if any(isinstance(spec, m.MemberPicker) for spec in form.inputs):
        extra["version"] = PEOPLE_PICKER_VERSION
    return card(body, spans, form.title, **extra)
