"""Bad input is recognised and cleaned the same way everywhere."""

from __future__ import annotations

import pytest

from bot import textguard as g


@pytest.mark.parametrize(
    "text, problem",
    [
        ("", g.EMPTY),
        ("   \n\t ", g.EMPTY),
        (None, g.EMPTY),
        ("😀😀😀", g.NO_LETTERS),
        ("?!?!", g.NO_LETTERS),
        ("👍", g.NO_LETTERS),
        ("x" * 10_000, g.TOO_LONG),
        ("Was ist ESCA? " * 100, g.TOO_LONG),
        ('{"intent": "greet", "entities": []}', g.JSON_DATA),
        ("[1, 2, 3]", g.JSON_DATA),
        ("<script>alert('x')</script>", g.MARKUP_ONLY),
        ("<div><br/></div>", g.MARKUP_ONLY),
        ("\x00\x01\x02", g.EMPTY),
        ("\x00\x1b[31m\x07", g.EMPTY),  # terminal colour codes only
        ("Was ist ESCA?", None),
        ("<b>Was ist ESCA?</b>", None),
        ("10:30", None),  # a time is a sensible answer in a form
        ("030 1234567", None),
        ("/greet", None),  # button payloads pass
        ('/ask_glossary{"glossary_term":"esca"}', None),
        ("{kein json", None),
        ("x" * g.MAX_MESSAGE_CHARS, None),
    ],
)
def test_input_problem(text, problem):
    assert g.input_problem(text) == problem


@pytest.mark.parametrize(
    "text, cleaned",
    [
        ("<b>Was</b> ist <i>ESCA</i>?", "Was ist ESCA ?"),
        ("Was\x00 ist\x1b ESCA", "Was ist ESCA"),
        ("\x1b[1;31mWas ist ESCA?\x1b[0m", "Was ist ESCA?"),
        ("<script>alert(1)</script>Hallo", "Hallo"),
        ("&lt;script&gt;alert(1)&lt;/script&gt; Hallo", "Hallo"),  # entity-encoded tags too
        ("Zeile 1\nZeile 2", "Zeile 1 Zeile 2"),
        ("A\u202eB", "A B"),  # bidi override
        ("Fo\u0308rderung", "Förderung"),  # NFC
        ("3 < 5 und 7 > 6", "3 < 5 und 7 > 6"),  # not a tag
    ],
)
def test_clean_text(text, cleaned):
    assert g.clean_text(text) == cleaned


def test_clean_text_caps_length():
    assert len(g.clean_text("a " * 5000)) <= g.MAX_MESSAGE_CHARS
