"""Neutral forms rendered as Adaptive Card forms whose `Action.Submit` returns a Submission."""

from __future__ import annotations

from typing import Any

from adapters.teams.render import FORM_KEY, Spans, card, escape_markdown, text_block
from bot import messages as m


def _input(spec: m.TextInput | m.MemberPicker | m.ChoiceInput) -> dict[str, Any]:
    common = {"id": spec.input_id, "label": spec.label, "isRequired": not spec.optional}
    if isinstance(spec, m.TextInput):
        return {
            "type": "Input.Text",
            **common,
            "isMultiline": spec.multiline,
            "maxLength": spec.max_length,
            "value": spec.initial,
        }
    if isinstance(spec, m.MemberPicker):
        # Teams' people picker: answers with AAD object ids, comma-separated
        return {
            "type": "Input.ChoiceSet",
            **common,
            "isMultiSelect": spec.multiple,
            "choices": [],
            "choices.data": {"type": "Data.Query", "dataset": "graph.microsoft.com/users"},
            "value": ",".join(spec.initial),
        }
    choices = [{"title": choice.label, "value": choice.value} for choice in spec.choices]
    return {
        "type": "Input.ChoiceSet",
        **common,
        "isMultiSelect": spec.multiple,
        "style": "expanded" if spec.multiple else "compact",
        "choices": choices,
    }


def render_form(form: m.Form) -> dict[str, Any]:
    """A form as an Adaptive Card whose `Action.Submit` comes back as our Submission."""
    spans = Spans()
    body = [text_block(escape_markdown(form.title), size="Medium", weight="Bolder")]
    if form.intro:
        body.append(text_block(spans.text(form.intro)))
    body.extend(_input(spec) for spec in form.inputs)
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
    return card(body, spans, form.title, actions=[submit])
