"""Built-in surveys: the eNPS pulse, the CX pulse and the CX maturity audit.

Template texts are gettext message ids (marked with `N_`), stored as such and
translated into each member's language when shown; questions HR writes are
shown as written.
"""

from __future__ import annotations

from typing import Any

from bot.i18n import N_

SCALE = "scale_0_10"
LIKERT = "likert_1_5"
CHOICE = "choice"
TEXT = "text"
KINDS = (SCALE, LIKERT, CHOICE, TEXT)

ENPS = "enps"
CX_PULSE = "cx_pulse"
CX_AUDIT = "cx_audit"

# The nine building blocks of CX maturity, each with three Likert statements.
AUDIT_BLOCKS: tuple[tuple[str, str, tuple[str, str, str]], ...] = (
    ("core_values", N_("Core values"), (
        N_("I know our company's core values."),
        N_("Our core values guide the decisions I see made here."),
        N_("People here are recognised for living our values."),
    )),
    ("mission", N_("Mission, vision and purpose"), (
        N_("I can explain our mission in my own words."),
        N_("I understand how my work contributes to our vision."),
        N_("Our purpose makes my work feel meaningful."),
    )),
    ("brand_promise", N_("Brand promise"), (
        N_("I know what we promise our customers."),
        N_("We keep our brand promise in every interaction."),
        N_("I know how my role helps keep our brand promise."),
    )),
    ("executive_commitment", N_("Executive commitment"), (
        N_("Our executives talk about customer experience regularly."),
        N_("Our executives put resources behind customer experience."),
        N_("Our executives act on what customers tell us."),
    )),
    ("leadership_alignment", N_("Leadership alignment"), (
        N_("Leaders across departments agree on what good customer experience is."),
        N_("My manager's priorities match the company's customer priorities."),
        N_("Leaders here work together to fix customer problems."),
    )),
    ("employee_experience", N_("Employees and their experience"), (
        N_("I have the tools and training to serve customers well."),
        N_("My own experience at work makes it easier to serve customers well."),
        N_("I feel heard when I suggest improvements."),
    )),
    ("customer_understanding", N_("Customer understanding"), (
        N_("I understand what our customers need."),
        N_("Customer feedback reaches the people who can act on it."),
        N_("We use customer insights when we make decisions."),
    )),
    ("governance", N_("Governance structure"), (
        N_("It is clear who owns customer experience here."),
        N_("We measure customer experience and review the results."),
        N_("Customer experience goals are part of how teams are assessed."),
    )),
    ("adoption", N_("Adoption and organisational alignment"), (
        N_("Customer experience initiatives here are adopted, not abandoned."),
        N_("My team's processes are designed around the customer."),
        N_("Departments work together smoothly to serve customers."),
    )),
)


def _question(key: str, kind: str, text: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "kind": kind, "text": text, "translate": True, "choices": [], **extra}


def template_questions(template: str) -> list[dict[str, Any]]:
    """The questions of a built-in template (KeyError for an unknown name)."""
    return {ENPS: _enps, CX_PULSE: _cx_pulse, CX_AUDIT: _cx_audit}[template]()


def _enps() -> list[dict[str, Any]]:
    return [
        _question("recommend", SCALE, N_("How likely are you to recommend working here to a friend?")),
        _question("better", TEXT, N_("What is one thing that would make it better?"), optional=True),
    ]


def _cx_pulse() -> list[dict[str, Any]]:
    return [
        _question("equipped", LIKERT, N_("I have what I need to serve our customers well")),
        _question("heard", LIKERT, N_("When I raise a customer's problem, it gets fixed")),
        _question("proud", LIKERT, N_("I am proud of the experience we give our customers")),
        _question("comment", TEXT, N_("Anything you would like to add?"), optional=True),
    ]


def _cx_audit() -> list[dict[str, Any]]:
    return [
        _question(f"{block}_{index}", LIKERT, statement, block=block)
        for block, _title, statements in AUDIT_BLOCKS
        for index, statement in enumerate(statements, 1)
    ]


def block_titles() -> dict[str, str]:
    """Building block key → its (untranslated) title."""
    return {block: title for block, title, _statements in AUDIT_BLOCKS}
