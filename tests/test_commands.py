"""Typed "/…" texts are commands only when they are a button of the current turn (rasa_ext/commands.py)."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered

from rasa_ext.commands import text_to_parse

OWN_INTENTS = ["greet", "affirm", "deny", "book_consultation", "restart", "session_start", "nlu_fallback"]


def bot(*payloads):
    return BotUttered("…", data={"buttons": [{"title": f"Titel {p}", "payload": p} for p in payloads]})


START = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
OFFERED = START + [UserUttered("Hallo"), bot("/affirm", "/deny"), ActionExecuted("action_listen")]
LATER = OFFERED + [UserUttered("ja"), bot("/book_consultation")]


@pytest.mark.parametrize(
    "text, events, read_as",
    [
        # Not a "/…" text: untouched.
        ("Was ist ESCA?", OFFERED, None),
        # A button of the current turn is a command.
        ("/affirm", OFFERED, None),
        (" /deny ", OFFERED, None),
        ("/book_consultation", LATER, None),
        # Typed Rasa commands are text.
        ("/restart", OFFERED, "restart"),
        ("/session_start", OFFERED, "session_start"),
        ('/affirm{"x": 1}', OFFERED, 'affirm{"x": 1}'),
        ("//", OFFERED, ""),
        # A button of an earlier turn means its title.
        ("/affirm", LATER, "Titel /affirm"),
        # The first message of a session may name one of the assistant's own intents (the widget's greeting) ...
        ("/greet", START, None),
        ("/book_consultation", [], None),
        # ... but not Rasa's own intents, entities or unknown intents.
        ("/restart", START, "restart"),
        ("/session_start", START, "session_start"),
        ('/greet{"name":"x"}', START, 'greet{"name":"x"}'),
        ("/unknown_intent", START, "unknown_intent"),
        # After the first message it is text again.
        ("/greet", OFFERED, "greet"),
        # A new session forgets the buttons of the last one,
        ("/book_consultation", LATER + START + [UserUttered("Hallo"), bot()], "book_consultation"),
        # ... but not those on screen when it starts with this very message (a long chat's session
        # ends at a quiet point, rasa_ext/session_bound.py): still this turn's buttons, the earlier
        # ones still their titles, and the conversation has begun before.
        ("/book_consultation", LATER + START, None),
        ("/affirm", LATER + START, "Titel /affirm"),
        ("/greet", LATER + START, "greet"),
    ],
)
def test_what_a_slash_text_is_read_as(text, events, read_as):
    assert text_to_parse(text, events, OWN_INTENTS) == read_as
