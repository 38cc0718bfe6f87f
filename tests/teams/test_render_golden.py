"""Adaptive Card renderings of real program messages, compared with JSON files.

Regenerate after an intended change with `FIVEFOLD_UPDATE_GOLDEN=1 pytest tests/teams`
(never in CI, where a missing golden file fails instead of being written).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.teams import forms, invokes, notices, render
from app import install
from bot.i18n import translator
from bot.messages import Link, Mention, Message, Plain, Strong, Text
from bot.models import Member
from programs.help import help_message
from programs.reward import cards, views
from programs.reward.stats import Leaderboard, MemberStats
from tests.golden import as_json, assert_golden
from tests.teams.card_validator import ensure_installed, validate_cards

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "teams"
T = translator("en")
ALICE = Member(tenant_id=1, external_id="aad-alice", display_name="Alice")
BOB = Member(tenant_id=1, external_id="aad-bob", display_name="Bob")


def stats() -> MemberStats:
    return MemberStats(
        given=3,
        received=5,
        given_this_month=1,
        received_this_month=2,
        allowance_left=4,
        received_by_value=[("empathy", 2)],
    )


CASES = {
    "public_card": lambda: render.render_activity(
        cards.public_card(T, ALICE, [BOB], "Saved the *launch* <at>Bob</at>", ["ownership"])
    ),
    "receiver_dm": lambda: render.render_activity(
        cards.receiver_dm("en", ALICE, "Thanks for the help", ["empathy"], None)
    ),
    "giver_receipt": lambda: render.render_activity(cards.giver_receipt(T, [BOB], 4)),
    "help": lambda: render.render_activity(help_message(T, install(None).help, "dance")),
    "stats": lambda: render.render_activity(views.stats_message(T, stats())),
    "kudos_form": lambda: render.activity(
        forms.render_form(
            views.kudos_form(
                T, ["customer-first", "empathy"], receivers=["aad-bob"], state="19:chan"
            ),
            names={"aad-bob": "Bob"},
        )
    ),
    "kudos_form_no_values_pl": lambda: render.activity(
        forms.render_form(views.kudos_form(translator("pl"), [], receivers=[], state=""), locale="pl")
    ),
    "home": lambda: render.activity(
        invokes.home_card(
            views.home_message(T, stats(), Leaderboard(overall=[(BOB, 3)], by_value=[])), "29:1alice"
        )
    ),
    "not_installed_uk": lambda: render.render_activity(notices.not_installed("uk", "Oksana")),
    "unresolved": lambda: render.render_activity(notices.unresolved("en", ("Oksana",))),
}


@pytest.mark.parametrize("name", CASES)
def test_rendering_matches_golden(name):
    rendered = CASES[name]()
    path = GOLDEN / f"{name}.json"
    assert_golden(path, as_json(rendered))


def test_every_golden_card_validates_with_the_adaptivecards_sdk():
    node = ensure_installed()
    cards = {name: CASES[name]()["attachments"][0]["content"] for name in CASES}
    assert {name for name in cards if cards[name]["version"] == "1.6"} == {
        "kudos_form", "kudos_form_no_values_pl"
    }  # only the people picker needs 1.6
    assert validate_cards(node, cards) == {name: [] for name in cards}


def test_the_validator_catches_what_teams_rejects():
    node = ensure_installed()
    required = {"type": "Input.Text", "id": "m", "isRequired": True, "label": "Message"}
    picker = {
        "type": "Input.ChoiceSet", "id": "p", "choices": [],
        "choices.data": {"type": "Data.Query", "dataset": "graph.microsoft.com/users"},
    }
    bad = {
        "missing_error_message": {"type": "AdaptiveCard", "version": "1.5", "body": [required]},
        "picker_on_1_5": {"type": "AdaptiveCard", "version": "1.5", "body": [picker]},
        "empty_choices": {
            "type": "AdaptiveCard", "version": "1.6",
            "body": [{"type": "Input.ChoiceSet", "id": "v", "choices": []}],
        },
    }
    errors = validate_cards(node, bad)
    assert all(errors[name] for name in bad), errors


def test_card_shape():
    card = render.render_card(cards.public_card(T, ALICE, [BOB], "hi", []))
    assert card["type"] == "AdaptiveCard"
    assert card["version"] == "1.5"
    assert card["fallbackText"]
    tags = [entity["text"] for entity in card["msteams"]["entities"]]
    assert tags == ["<at>Alice</at>", "<at>Bob</at>"]


def test_user_text_cannot_inject_markup_mentions_or_links():
    hostile = (
        "**bold** _it_ <at>Bob</at> [click](https://evil.example) https://evil.example"
        " www.evil.com\n- item `code`"
    )
    message = Message(
        fallback="x",
        blocks=[Text(spans=[Mention(external_id="aad-bob", name="Bob"), Plain(text=hostile)])],
    )
    card = render.render_card(message)
    text = card["body"][0]["text"]
    assert text.startswith("<at>Bob</at>")
    user_part = text[len("<at>Bob</at>") :]
    assert "<at>" not in user_part
    assert "**" not in user_part.replace("\\*", "")
    assert "](" not in user_part.replace("\\]", "")
    assert "https://" not in user_part
    assert "www." not in user_part
    assert "\n- " not in user_part
    assert len(card["msteams"]["entities"]) == 1


def test_only_http_links_are_links():
    spans = [
        Link(url="javascript:alert(1)", label="x"),
        Link(url="https://ok.example/a", label="ok"),
        Strong(text="b"),
    ]
    text = render.render_card(Message(fallback="x", blocks=[Text(spans=spans)]))["body"][0]["text"]
    assert text == "x[ok](https://ok.example/a)**b**"
