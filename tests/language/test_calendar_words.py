"""Month and weekday names in every spelling."""

from __future__ import annotations

import pytest

from bot.language import ENGLISH_MONTHS, FULL_MONTH_NAMES, MONTHS, WEEKDAY_ABBREVIATIONS, WEEKDAYS, month_name


@pytest.mark.parametrize(
    "word, number",
    [
        ("januar", 1),
        ("jan", 1),
        ("jaenner", 1),
        ("janner", 1),
        ("februar", 2),
        ("feb", 2),
        ("febr", 2),
        ("feber", 2),
        ("maerz", 3),
        ("marz", 3),
        ("mrz", 3),
        ("maer", 3),
        ("mar", 3),
        ("april", 4),
        ("apr", 4),
        ("mai", 5),
        ("juni", 6),
        ("jun", 6),
        ("juli", 7),
        ("jul", 7),
        ("august", 8),
        ("aug", 8),
        ("september", 9),
        ("sep", 9),
        ("sept", 9),
        ("oktober", 10),
        ("okt", 10),
        ("november", 11),
        ("nov", 11),
        ("dezember", 12),
        ("dez", 12),
    ],
)
def test_months(word, number):
    assert MONTHS[word] == number


def test_full_names_and_english_names():
    assert {"maerz", "marz", "jaenner", "feber", "dezember"} <= FULL_MONTH_NAMES
    assert not {"jan", "mrz", "sep"} & FULL_MONTH_NAMES
    assert ENGLISH_MONTHS["march"] == 3 and ENGLISH_MONTHS["dec"] == 12 and "may" not in MONTHS


@pytest.mark.parametrize("number, name", [(1, "januar"), (3, "maerz"), (12, "dezember")])
def test_month_name(number, name):
    assert month_name(number) == name


@pytest.mark.parametrize(
    "word, number",
    [
        ("montag", 0),
        ("dienstag", 1),
        ("mittwoch", 2),
        ("donnerstag", 3),
        ("freitag", 4),
        ("samstag", 5),
        ("sonnabend", 5),
        ("sonntag", 6),
    ],
)
def test_weekdays(word, number):
    assert WEEKDAYS[word] == number


def test_weekday_abbreviations():
    assert [WEEKDAY_ABBREVIATIONS[a] for a in ("mo", "di", "mi", "do", "fr", "sa", "so")] == list(range(7))
