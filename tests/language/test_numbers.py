"""German numbers: words read compositionally, digits, and where they stand in a text."""

from __future__ import annotations

import pytest

from bot.language import find_numbers, fold, number_words, parse_number, parse_ordinal


@pytest.mark.parametrize(
    "word, value",
    [
        ("null", 0),
        ("eins", 1),
        ("zwei", 2),
        ("zwo", 2),
        ("drei", 3),
        ("fünf", 5),
        ("fuenf", 5),
        ("funf", 5),
        ("elf", 11),
        ("zwölf", 12),
        ("zwoelf", 12),
        ("zwolf", 12),
        ("dreizehn", 13),
        ("sechzehn", 16),
        ("siebzehn", 17),
        ("zwanzig", 20),
        ("einundzwanzig", 21),
        ("zwoundzwanzig", 22),
        ("dreißig", 30),
        ("dreissig", 30),
        ("fünfunddreißig", 35),
        ("neunundneunzig", 99),
        ("hundert", 100),
        ("einhundert", 100),
        ("hunderteins", 101),
        ("hundertundeins", 101),
        ("hundertzwanzig", 120),
        ("einhundertzwanzig", 120),
        ("zweihundertfünfzig", 250),
        ("Zweihundertfuenfzig", 250),
        ("neunhundertneunundneunzig", 999),
        ("tausend", 1000),
        ("eintausend", 1000),
        ("tausendeins", 1001),
        ("zweitausend", 2000),
        ("zweitausenddreihundert", 2300),
        ("zwölftausend", 12000),
        ("hunderttausend", 100_000),
        ("hunderteintausend", 101_000),
        ("neunhundertneunundneunzigtausendneunhundertneunundneunzig", 999_999),
        ("eineinhalb", 1.5),
        ("anderthalb", 1.5),
        ("zweieinhalb", 2.5),
        ("fünfeinhalb", 5.5),
        ("einhalb", 0.5),
        ("120", 120),
        ("007", 7),
        ("ZWANZIG", 20),
    ],
)
def test_parse_number(word, value):
    assert parse_number(word) == value


@pytest.mark.parametrize(
    "word",
    [
        "ein",
        "eine",
        "einem",
        "",
        "einige",
        "zweimal",
        "hunderte",
        "tausende",
        "einsundzwanzig",
        "zehnund",
        "undzwanzig",
        "hundertein",
        "einsatz",
        "elfen",
        "acht8",
        "½",
        "zwanzigzwanzig",
        "einshundert",
    ],
)
def test_parse_number_refuses_other_words(word):
    assert parse_number(word) is None


@pytest.mark.parametrize("word", ["ein", "eine", "einer", "einem", "einen", "eines", "Eine"])
def test_the_article_is_one_only_when_asked(word):
    assert parse_number(word) is None
    assert parse_number(word, article=True) == 1


def test_every_listed_number_word_reads_back():
    numbers = [*range(0, 2000), *range(2000, 1_000_000, 997), 999_999]
    for word, value in number_words(numbers, halves=True).items():
        assert parse_number(word) == value, word


def test_number_words():
    table = number_words(range(0, 13), article=True, halves=True)
    assert table["null"] == 0 and table["zwo"] == 2 and table["funf"] == table["fuenf"] == 5
    assert table["einem"] == 1 and table["anderthalb"] == table["eineinhalb"] == 1.5
    assert table["zwoelfeinhalb"] == 12.5 and "dreizehn" not in table
    assert "ein" not in number_words(range(0, 3))


@pytest.mark.parametrize(
    "text, found",
    [
        ("Wir haben 120 Mitglieder", [(120, False, False)]),
        ("1.200 oder 1 200", [(1200, False, False), (1200, False, False)]),
        ("-5", [(-5, False, False)]),
        ("Kat-5", [(5, False, False)]),
        ("1,5 und 2.5", [(1, True, False), (2, True, False)]),
        ("zweihundertfünfzig Unternehmen", [(250, False, True)]),
        ("eineinhalb", [(1.5, True, True)]),
        ("eine Hochschule", []),
        ("dreißig (30)", [(30, False, True), (30, False, False)]),
    ],
)
def test_find_numbers(text, found):
    assert [(m.value, m.fraction, m.word) for m in find_numbers(fold(text))] == found


def test_find_numbers_positions_refer_to_the_folded_text():
    folded = fold("genau fünfzig")
    (mention,) = find_numbers(folded)
    assert folded[mention.start : mention.end] == "fuenfzig"


@pytest.mark.parametrize(
    "word, value",
    [
        ("erste", 1),
        ("ersten", 1),
        ("zweiter", 2),
        ("dritten", 3),
        ("vierte", 4),
        ("fünften", 5),
        ("funften", 5),
        ("Fuenftes", 5),
        ("sechste", 6),
        ("siebte", 7),
        ("siebente", 7),
        ("achte", 8),
        ("neunte", 9),
        ("zehnte", 10),
        ("elfte", 11),
        ("zwölfte", 12),
        ("neunzehnte", 19),
        ("zwanzigste", 20),
        ("einundzwanzigsten", 21),
        ("hundertste", 100),
        ("tausendste", 1000),
        ("dritt", None),
        ("erstens", None),
        ("eins", None),
        ("te", None),
        ("achtste", None),
        ("zwanzigte", None),
        ("neunzehnste", None),
        ("Schritt", None),
        ("3.", None),
    ],
)
def test_parse_ordinal(word, value):
    assert parse_ordinal(word) == value
