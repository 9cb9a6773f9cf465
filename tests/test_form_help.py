"""When a form answer failed, and how failures are counted (actions/forms.py)."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from actions.forms import answer_failed, failures_after


@pytest.mark.parametrize(
    "asked, events, failed",
    [
        ("email", [SlotSet("email", None)], True),
        ("email", [SlotSet("email", None), SlotSet("requested_slot", "email")], True),
        ("email", [SlotSet("email", None), SlotSet("form_failures", 0)], True),
        # Filled: no failure.
        ("email", [SlotSet("email", "a@example.org")], False),
        # Something else was learnt from the answer (a new wish gets a new slot offer): no failure.
        ("consultation_slot", [SlotSet("consultation_slot", None), SlotSet("slot_offer", {"slots": []})], False),
        # The answer ended the form (consent declined, database down): no failure.
        ("consent", [SlotSet("consent", None), SlotSet("requested_slot", None)], False),
        # Not validated at all, or no question asked.
        ("email", [], False),
        (None, [SlotSet("email", None)], False),
    ],
)
def test_answer_failed(asked, events, failed):
    assert answer_failed(asked, events) is failed


@pytest.mark.parametrize(
    "previous, failed, after",
    [
        (None, True, {"slot": "email", "count": 1}),
        ({"slot": "email", "count": 1}, True, {"slot": "email", "count": 2}),
        ({"slot": "email", "count": 2}, True, {"slot": "email", "count": 3}),
        ({"slot": "person_name", "count": 2}, True, {"slot": "email", "count": 1}),
        (3, True, {"slot": "email", "count": 1}),  # an old counter from before this change
        ({"slot": "email", "count": 2}, False, None),
    ],
)
def test_failures_after(previous, failed, after):
    assert failures_after("email", failed, previous) == after
