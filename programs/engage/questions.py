"""Questions as stored on a survey, and how an answer to each is checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.i18n import N_, Translator
from programs.engage.templates import CHOICE, LIKERT, SCALE, TEXT, template_questions

MAX_TEXT = 2000
LIKERT_LABELS = (
    N_("Strongly disagree"), N_("Disagree"), N_("Neither agree nor disagree"), N_("Agree"), N_("Strongly agree"),
)


@dataclass(frozen=True)
class Question:
    """One question of a survey."""

    key: str
    kind: str
    text: str
    translate: bool = False
    choices: tuple[str, ...] = ()
    optional: bool = False
    block: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def shown(self, t: Translator) -> str:
        """The question in the reader's language (templates) or as HR wrote it."""
        return t._(self.text) if self.translate else self.text

    def options(self, t: Translator) -> list[tuple[str, str]]:
        """(value, label) of each answer a button or select offers; empty for free text."""
        if self.kind == SCALE:
            return [(str(value), str(value)) for value in range(11)]
        if self.kind == LIKERT:
            return [(str(value), t._(label)) for value, label in enumerate(LIKERT_LABELS, 1)]
        if self.kind == CHOICE:
            return [(str(index), choice) for index, choice in enumerate(self.choices)]
        return []

    def parse(self, raw: str) -> int | str | None:
        """The stored form of one answer, None when it is not a valid answer to this question."""
        raw = raw.strip()
        if self.kind == TEXT:
            return raw[:MAX_TEXT] if raw else None
        valid = {value for value, _label in self.options(Translator("en"))}
        return int(raw) if raw in valid else None


def questions_of(stored: list[dict[str, Any]]) -> list[Question]:
    """A survey's stored questions as `Question`s."""
    return [
        Question(key=str(q["key"]), kind=str(q["kind"]), text=str(q["text"]), translate=bool(q.get("translate")),
                 choices=tuple(q.get("choices") or ()), optional=bool(q.get("optional")), block=q.get("block"))
        for q in stored
    ]


def stored_questions(template: str | None, written: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """What a new survey stores: a template's questions, or HR's numbered `q1`, `q2`, …"""
    if template:
        return template_questions(template)
    return [{"key": f"q{index}", "kind": q["kind"], "text": q["text"], "translate": False,
             "choices": list(q.get("choices") or []), "optional": bool(q.get("optional"))}
            for index, q in enumerate(written or [], 1)]
