"""Form answers: free texts refuse messages that are no name (bot.language.answer_kind)."""

from __future__ import annotations

import pytest

from bot.knowledge.content import load_messages
from bot.language import NAME_REJECTED_KINDS
from bot.validation import free_text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("  Dr. Anna   Muster ", ("Dr. Anna Muster", None)),
        ("Ja-Cluster Energie GmbH", ("Ja-Cluster Energie GmbH", None)),
        ("Fragebogen GmbH", ("Fragebogen GmbH", None)),
        ("Janine Hallo", ("Janine Hallo", None)),
        ("", (None, "empty")),
        ("x", (None, "too_short")),
        ("!!", (None, "no_letters")),
        ("x" * 201, (None, "too_long")),
        ("Ja", (None, "yes_no")),
        ("nein danke", (None, "yes_no")),
        ("Hallo", (None, "greeting")),
        ("Danke!", (None, "greeting")),
        ("weiß ich nicht", (None, "dont_know")),
        ("k. A.", (None, "dont_know")),
        ("abbrechen", (None, "command")),
        ("/restart", (None, "command")),
        ("Was ist ESCA?", (None, "question")),
        ("Muss ich das angeben", (None, "question")),
    ],
)
def test_free_text(text, expected):
    assert free_text(text) == expected


def test_a_text_may_allow_every_kind():
    assert free_text("Wie lange dauert das?", reject=()) == ("Wie lange dauert das?", None)
    assert free_text("Ja", reject={"question"}) == ("Ja", None)


def test_every_refusal_of_a_free_text_has_a_hint():
    """Forms say what a refused answer was (text_answer_<kind>) and the draft form what the field
    needs (draft_invalid_<problem>) for whatever free_text() returns."""
    templates = load_messages().templates
    for problem in ("empty", "too_short", "too_long", "no_letters"):
        assert f"draft_invalid_{problem}" in templates, problem
    for kind in NAME_REJECTED_KINDS:
        assert f"text_answer_{kind}" in templates, kind
    assert "draft_invalid_dont_know" in templates
