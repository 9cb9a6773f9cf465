"""bot/nlp/vocabulary.py: which tokens are words, how much of a message is language."""

from __future__ import annotations

import pytest

from bot.nlp.vocabulary import WordCheck, hash_vocabulary, tokens

GENERAL = [
    "Wann",
    "wurde",
    "gegründet",
    "Gründung",
    "Jahr",
    "die",
    "ist",
    "was",
    "ja",
    "Summe",
    "danke",
    "schön",
    "dankeschön",
    "sum",
    "und",
    "das",
    "Verfahren",
    "wie",
    "lange",
    "dauert",
    "hallo",
    "Spaß",
]
DOMAIN = ["Was ist ESCA?", "Clusters4Future", "VDI/VDE-IT", "Kostenbeteiligung", "S3 Strategie", "am 4.160 Euro"]


@pytest.fixture(scope="module")
def check():
    return WordCheck(hash_vocabulary(GENERAL), DOMAIN)


@pytest.mark.parametrize(
    "token", ["wann", "WURDE", "Gruendung", "gründung", "ESCA", "esca", "Clusters4Future", "vdi", "s3", "Spass"]
)
def test_known_words_in_any_case_and_spelling(check, token):
    assert check.is_word(token)


@pytest.mark.parametrize(
    "token, why",
    [
        ("Kostenbeteilgung", "one letter missing from a domain word"),
        ("Kostenbeteiligugn", "two neighbours swapped"),
        ("Gründungsjahr", "compound with a linking s"),
        ("jaaaa", "stretched letters"),
        ("dankeschöööön", "stretched umlaut"),
    ],
)
def test_tolerated_spellings(check, token, why):
    assert check.is_word(token), why


@pytest.mark.parametrize("token", ["nnnnnnn", "ee", "ÜÜÜÜÜ", "7K3Q9", "2015", "qwrtz", "Kostenbtlgng", "x", "ab"])
def test_no_words(check, token):
    assert not check.is_word(token)


def test_general_words_get_no_typo_tolerance(check):
    # Only the (small) domain vocabulary is searched for near misses.
    assert not check.is_word("verfarhen")


def test_tokens_split_at_everything_but_letters_and_digits():
    assert tokens("@SUM(1+1)*cmd|calc") == ["SUM", "1", "1", "cmd", "calc"]
    assert tokens("GC-B-7K3Q9") == ["GC", "B", "7K3Q9"]


@pytest.mark.parametrize(
    "text, share",
    [
        ("Wann wurde ESCA gegründet?", 22 / 23),
        ("16 18", 0.0),  # digits are not counted either way
        ("@SUM(1+1)*cmd|calc", 3 / 16),  # only "sum" is a word here
        ("ja 😀😀😀", 2 / 5),
    ],
)
def test_language_share(check, text, share):
    assert check.language_share(text)[0] == pytest.approx(share)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Wann wurde die ESCA gegründet?", True),
        ("wie lange dauert das?", True),
        ("ja", True),
        ("16 18", False),
        ("⒗⑱", False),
        ("nnnnnnnnnnnn", False),
        ("qwrtz asdfg", False),
        ("Здравствуйте", False),
    ],
)
def test_is_language(check, text, expected):
    assert check.is_language(text) is expected


def test_crafted_long_tokens_stay_cheap(check):
    import time

    text = " ".join(("dankeschön" * 4)[i : i + 40] + "qx" for i in range(24))[:1000]
    start = time.perf_counter()
    check.language_share(text)
    assert time.perf_counter() - start < 0.5  # each distinct token judged once, at most 40 of them
