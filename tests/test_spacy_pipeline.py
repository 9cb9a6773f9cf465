"""The German spaCy pipeline built without de_core_news_sm."""

from __future__ import annotations

import pytest

from bot.config import PROJECT_ROOT
from bot.nlp.build_pipeline import extend_lemma_table, spelling_variants, transliterate


def test_transliterate():
    assert transliterate("Gespräch über Größe") == "Gespraech ueber Groesse"


def test_spelling_variants():
    assert spelling_variants("Förderung") == {"förderung", "Foerderung", "foerderung"}
    assert spelling_variants("haus") == set()


def test_extend_lemma_table_keeps_original_entries():
    table = {"Häuser": "Haus", "essen": "essen", "Essen": "Essen", "Gespräche": "Gespräch"}
    extended = extend_lemma_table(table)
    assert extended["häuser"] == "Haus" and extended["haeuser"] == "Haus"
    assert extended["essen"] == "essen" and extended["Essen"] == "Essen"  # originals win
    assert extended["gespraech"] == "Gespräch"  # lemma variants too


@pytest.fixture(scope="module")
def nlp():
    import spacy

    path = PROJECT_ROOT / "models" / "spacy_de"
    if not path.exists():
        pytest.fail("models/spacy_de is missing: `make test` builds it")
    return spacy.load(path)


@pytest.mark.parametrize(
    "text, lemmas",
    [
        ("Die Häuser", ["der", "Haus"]),
        ("die häuser", ["der", "Haus"]),
        ("Gespraeche mit Akteuren", ["Gespräch", "mit", "Akteur"]),
        ("wer entscheidet", ["wer", "entscheiden"]),
    ],
)
def test_lemmas_do_not_depend_on_case_or_umlaut_spelling(nlp, text, lemmas):
    assert [t.lemma_ for t in nlp(text)] == lemmas
