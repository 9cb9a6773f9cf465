"""Short answers: typos of short words, hedges, yes and no."""

from __future__ import annotations

import pytest

from bot.language import NO, UNKNOWN, YES, parse_yes_no, says_dont_know
from bot.language.yes_no import Corrector, correct, squeezed, tokens


@pytest.mark.parametrize(
    "token, corrected",
    [
        ("nien", "nein"),
        ("jo", "ja"),
        ("noe", "nein"),
        ("nee", "nein"),
        ("jaaa", "ja"),
        ("neeein", "nein"),
        ("nciht", "nicht"),
        ("gneau", "genau"),
        ("vllt", "vielleicht"),
        ("vieleicht", "vielleicht"),
        ("naturlich", "naturlich"),
        ("natuerlch", "natuerlich"),
        ("ahnugn", "ahnung"),
        ("kenne", "kenne"),
        ("gedacht", "gedacht"),
        ("stimme", "stimme"),
        ("anna", "anna"),
        ("12", "12"),
    ],
)
def test_correct(token, corrected):
    assert correct(token) == corrected


def test_a_corrector_with_more_targets():
    corrector = Corrector((*("mitglied",), "vielleicht"))
    assert corrector("mitgleid") == "mitglied" and corrector("vieleicht") == "vielleicht"
    assert correct("mitgleid") == "mitgleid"


def test_squeezed():
    assert squeezed("hallooo") == ("halloo", "halo")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Nien, danke!", ["nein", ",", "danke", "!"]),
        ("k. A.", ["keine", "ahnung"]),
        ("kA", ["keine", "ahnung"]),
        ("Weiß nicht?", ["weiss", "nicht", "?"]),
    ],
)
def test_tokens(text, expected):
    assert tokens(text) == expected


@pytest.mark.parametrize(
    "text, said",
    [
        ("keine Ahnung", True),
        ("null Ahnung", True),
        ("k.A.", True),
        ("Das weiß ich leider nicht", True),
        ("weis nicht", True),
        ("wissen wir nicht", True),
        ("unbekannt", True),
        ("kein Plan", True),
        ("120", False),
        ("keine", False),
        ("Ahnung haben wir", False),
        ("nicht", False),
    ],
)
def test_says_dont_know(text, said):
    assert says_dont_know(text) is said


@pytest.mark.parametrize(
    "text, intent, answer",
    [
        ("ja", None, YES),
        ("Jaaa!", None, YES),
        ("jo", None, YES),
        ("klar", None, YES),
        ("natürlich", None, YES),
        ("naturlich", None, YES),
        ("selbstverstaendlich", None, YES),
        ("auf jeden Fall", None, YES),
        ("nein", None, NO),
        ("nö", None, NO),
        ("nee", None, NO),
        ("nien", None, NO),
        ("auf keinen Fall", None, NO),
        ("haben wir nicht", None, NO),
        ("Ja, leider nicht", None, UNKNOWN),
        ("Ja, leider nicht", "deny", NO),
        ("nicht nur das, ja", None, YES),
        ("weiß nicht", None, UNKNOWN),
        ("weiss ich nicht", None, UNKNOWN),
        ("vielleicht", None, UNKNOWN),
        ("vllt", None, UNKNOWN),
        ("jein", None, UNKNOWN),
        ("k.A.", None, UNKNOWN),
        ("keine Ahnung", None, UNKNOWN),
        ("wissen wir nicht", None, UNKNOWN),
        ("ja?", None, UNKNOWN),
        ("ja?", "affirm", UNKNOWN),
        ("Video", None, UNKNOWN),
        ("Video", "affirm", YES),
        ("", "deny", NO),
    ],
)
def test_parse_yes_no(text, intent, answer):
    assert parse_yes_no(text, intent) == answer
