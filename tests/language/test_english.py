"""Which messages are written in English (bot/language/english.py)."""

import pytest

from bot.language.english import ENGLISH_FUNCTION_WORDS, GERMAN_ONLY, is_english


@pytest.mark.parametrize(
    "text",
    [
        "How can my cluster join?",
        "What does ESCA stand for?",
        "Is there an English version of this chat?",
        "I would like to book a consultation next week",
        "who is behind the programme",
        "We are a cluster of 80 companies in Bavaria, what do we have to do to get the gold label?",
        "how much is it",
        "can you help me with the application",
        "What's the deadline for the cost share?",
    ],
)
def test_english_messages(text):
    assert is_english(text)


@pytest.mark.parametrize(
    "text",
    [
        "Was bedeutet Scale-up?",  # "was" and "up": one English word is no sentence
        "Was heißt Striving for Cluster Excellence?",  # an English name in a German question
        "was passiert in Schritt 2",
        "Wie kann unser Cluster Mitglied werden?",
        "Hallo, what is ESCA?",  # mixed: the classifier decides
        "European Secretariat for Cluster Analysis",
        "The Smart Mobility Cluster",  # a name (one English word)
        "Ich bin in Berlin und will an die Gold-Zertifizierung",
        "",
        "ok",
        "ESCA",
    ],
)
def test_german_and_mixed_messages(text):
    assert not is_english(text)


def test_words_both_languages_share_count_for_neither():
    assert not ENGLISH_FUNCTION_WORDS & GERMAN_ONLY
    assert {"in", "an", "am", "was", "will", "so", "die"}.isdisjoint(ENGLISH_FUNCTION_WORDS | GERMAN_ONLY)
