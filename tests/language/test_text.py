"""Folding, words, and matching umlauts written with or without dots."""

from __future__ import annotations

import re

import pytest

from bot.language import alternation, compact, fold, phrases, sentences, spelled, spellings, umlauts, words


@pytest.mark.parametrize(
    "text, folded",
    [
        ("Gespräch", "gespraech"),
        ("GROSSE Straße", "grosse strasse"),
        ("Café", "cafe"),
        ("Übersicht", "uebersicht"),
        ("ÄÖÜ äöü ß", "aeoeue aeoeue ss"),
        ("Crème brûlée", "creme brulee"),
        ("Zweitausend – bis — heute", "zweitausend - bis - heute"),
        ("Jahr−Ende", "jahr-ende"),
        ("geht’s", "geht's"),
        ("ﬁnal １２３", "final 123"),  # NFKC: ligature and full-width digits
        ("e\u0301", "e"),  # a combining accent
        ("", ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(
    "text, expected",
    [
        ("VDI/VDE-IT", ["vdi", "vde", "it"]),
        ("Was ist ein Projektträger?", ["was", "ist", "ein", "projekttraeger"]),
        ("  ", []),
        ("Cluster Nord e. V. 🙂", ["cluster", "nord", "e", "v"]),
    ],
)
def test_words(text, expected):
    assert words(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Wir sind ein Cluster. Was ist ECCP?", ["Wir sind ein Cluster.", "Was ist ECCP?"]),
        ("Hallo! Wie geht es? Danke", ["Hallo!", "Wie geht es?", "Danke"]),
        ("Seit 2015. Und dann?", ["Seit 2015.", "Und dann?"]),
        # abbreviations and short words before a full stop do not end a sentence
        ("Netzwerk vs. Cluster?", ["Netzwerk vs. Cluster?"]),
        ("Wir sind z. B. Mitglied. Und nun?", ["Wir sind z. B. Mitglied.", "Und nun?"]),
        ("Ein Satz ohne Ende", ["Ein Satz ohne Ende"]),
        ("  ", []),
    ],
)
def test_sentences(text, expected):
    assert sentences(text) == expected


def test_compact_ignores_separators():
    assert compact("Gold-Label") == compact("gold label") == compact("Goldlabel") == "goldlabel"


@pytest.mark.parametrize(
    "word, expected",
    [
        ("März", ("maerz", "marz")),
        ("übernächste", ("uebernaechste", "uebernachste", "ubernaechste", "ubernachste")),
        ("dreißig", ("dreissig",)),
        ("Montag", ("montag",)),
    ],
)
def test_spellings(word, expected):
    assert spellings(word) == expected


def test_spelled_keys_every_spelling_and_refuses_ambiguity():
    assert spelled({"fünf": 5, "vier": 4}) == {"fuenf": 5, "funf": 5, "vier": 4}
    with pytest.raises(ValueError):
        spelled({"bär": 1, "bar": 2})


@pytest.mark.parametrize(
    "pattern, text, matches",
    [
        ("übermorgen", "uebermorgen", True),
        ("übermorgen", "ubermorgen", True),
        ("übermorgen", "übermorgen", False),  # the text is folded first
        ("weiß nicht", "weiss nicht", True),
        (r"m(?:ö|o)glich\w*", "moeglichst", True),
    ],
)
def test_umlauts(pattern, text, matches):
    assert bool(re.fullmatch(umlauts(pattern), text)) is matches


@pytest.mark.parametrize(
    "text, found",
    [
        ("ich weiss nicht so recht", "weiss nicht"),
        ("ich weis nicht", None),
        ("weissnicht", None),
        ("das ist naturlich so", "naturlich"),
        ("das ist natuerlich so", "natuerlich"),
    ],
)
def test_phrases_match_whole_tokens(text, found):
    match = phrases("weiß nicht", "natürlich").search(text)
    assert (match.group() if match else None) == found


def test_alternation_prefers_the_longest_word():
    assert re.match(alternation(["sep", "september", "sept"]), "september").group() == "september"
