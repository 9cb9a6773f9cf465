"""The second stage after the classifier (bot/knowledge/chooser.py): a question about a glossary term
or a FAQ entry? Pure function on the text and the classifier's ranking."""

from __future__ import annotations

import pytest

from bot.knowledge.chooser import AnswerChooser, Choice, reorder
from bot.knowledge.overlap import ContentOverlap
from bot.language import content_words


@pytest.fixture(scope="module")
def chooser(knowledge):
    return AnswerChooser(knowledge.terms.values(), knowledge.faq.values())


@pytest.mark.parametrize(
    "text, ranking, expected",
    [
        # Name and question words only, glossary among the candidates: the term is asked about.
        ("Wie lange ist das Bronze-Label gültig?", [("faq_labels", 0.6), ("ask_glossary", 0.3)], "bronze_label"),
        ("Seit wann gibt es die ECCP?", [("faq_international", 0.4), ("ask_glossary", 0.35)], "eccp"),
        (
            "wer vergibt das bronzelabel",
            [("faq_labels", 0.5), ("faq_pflichten", 0.2), ("ask_glossary", 0.2)],
            "bronze_label",
        ),
        ("Wo sitzt EUCLES eigentlich?", [("faq_international", 0.7), ("ask_glossary", 0.2)], "eucles"),
        # One other word is tolerated (a typo of a question word, a word the frames lack).
        ("Was ist die Aufgabe eines Projektträgers?", [("nlu_fallback", 0.4), ("ask_glossary", 0.3)], "projekttraeger"),
        # The classifier's first candidate stays:
        # ... when it already is the glossary,
        ("Was ist ESCA?", [("ask_glossary", 0.9), ("faq_labels", 0.05)], None),
        # ... when the glossary is no real candidate,
        (
            "Wie lange ist das Bronze-Label gültig?",
            [("faq_labels", 0.9), ("faq_pflichten", 0.08), ("ask_glossary", 0.02)],
            None,
        ),
        ("Seit wann gibt es die ECCP?", [("a", 0.5), ("b", 0.2), ("c", 0.1), ("ask_glossary", 0.1)], None),
        # ... when it asks for an aspect the term's definition does not answer (no price named),
        ("Was kostet das Gold-Label?", [("faq_gold_kostenbeteiligung", 0.5), ("ask_glossary", 0.4)], None),
        ("Wer vergibt das Silber-Label?", [("faq_labels", 0.5), ("ask_glossary", 0.4)], None),
        # ... when the message says more than name and the questions its definition answers
        # (who pays is a FAQ topic; the Silber-Label's definition does not say who awards it) by more
        # than one word,
        ("Welche Stelle vergibt das Silber-Label?", [("faq_labels", 0.5), ("ask_glossary", 0.4)], None),
        (
            "Wie hoch sind die Kosten für das Gold-Label?",
            [("faq_gold_kostenbeteiligung", 0.5), ("ask_glossary", 0.4)],
            None,
        ),
        (
            "Muss unser Cluster das Silber-Label selbst bezahlen?",
            [("faq_label_kosten", 0.5), ("ask_glossary", 0.4)],
            None,
        ),
        ("Müssen wir als Mitglied das Benchmarking machen?", [("faq_pflichten", 0.5), ("ask_glossary", 0.4)], None),
        # ... when no term is named (the programme's own name is none),
        ("Was ist go-cluster?", [("faq_was_ist_go_cluster", 0.5), ("ask_glossary", 0.4)], None),
        ("Wer vergibt die Labels?", [("faq_labels", 0.5), ("ask_glossary", 0.4)], None),
        # ... when the term shares its answer with a FAQ entry, whose aspects are FAQ topics.
        ("Was ist die Kostenbeteiligung?", [("faq_gold_voraussetzungen", 0.5), ("ask_glossary", 0.4)], None),
        ([], [], None),
        # A detail question naming a term whose definition covers clearly more of it than the FAQ
        # answer: the term, even as a faint candidate (up to fifth place, from 1 %).
        (
            "In welchem Jahr wurde die ESCA gegründet?",
            [("faq_labels", 0.7), ("faq_traeger", 0.2), ("ask_glossary", 0.02)],
            "esca",
        ),
        (
            "Wie viele Indikatoren prüft das ESCA-Benchmarking?",
            [
                ("faq_label_kosten", 0.8),
                ("faq_labels", 0.1),
                ("faq_pflichten", 0.05),
                ("b", 0.02),
                ("ask_glossary", 0.02),
            ],
            "benchmarking",
        ),
        # ... but not below 1 % or after fifth place,
        ("In welchem Jahr wurde die ESCA gegründet?", [("faq_labels", 0.9), ("ask_glossary", 0.009)], None),
        (
            "In welchem Jahr wurde die ESCA gegründet?",
            [("faq_labels", 0.7), ("a", 0.1), ("b", 0.1), ("c", 0.05), ("d", 0.02), ("ask_glossary", 0.02)],
            None,
        ),
        # ... not when the FAQ answer covers the message as well (duty to take part: a FAQ topic),
        ("Müssen wir als Mitglied das Benchmarking machen?", [("faq_pflichten", 0.8), ("ask_glossary", 0.02)], None),
        # ... not for a term with a FAQ entry of its own, and not over an intent that is no FAQ entry.
        (
            "Wie beantrage ich die Kostenbeteiligung für das Gold-Label?",
            [("faq_gold_antrag", 0.8), ("ask_glossary", 0.02)],
            None,
        ),
        ("In welchem Jahr wurde die ESCA gegründet?", [("out_of_scope", 0.7), ("ask_glossary", 0.2)], None),
    ],
)
def test_choice(chooser, text, ranking, expected):
    choice = chooser.choose(text if isinstance(text, str) else "", ranking)
    assert (choice.term if choice and choice.intent == "ask_glossary" else None) == expected
    if choice:
        assert choice.intent == "ask_glossary"
        assert choice.confidence == pytest.approx(min(1.0, ranking[0][1] + dict(ranking)["ask_glossary"]))


@pytest.mark.parametrize(
    "text, ranking, expected",
    [
        # The glossary first but hesitant, the term's text covers clearly more than the FAQ runner-up:
        # the runner-up's share joins the glossary's (above the fallback threshold together).
        (
            "Wie viele Punkte braucht man für das Gold-Label?",
            [("ask_glossary", 0.33), ("faq_dauer_aufnahme", 0.2)],
            "gold_label",
        ),
        (
            "Wie viele Experten kommen beim Gold-Label vor Ort?",
            [("ask_glossary", 0.3), ("faq_labels", 0.25)],
            "gold_label",
        ),
        # No change when the FAQ answer covers the message as well (what the labels cost is a FAQ topic),
        ("Was ist ESCA?", [("ask_glossary", 0.9), ("faq_labels", 0.05)], None),
        ("Was kostet das Gold-Label?", [("ask_glossary", 0.35), ("faq_gold_kostenbeteiligung", 0.3)], None),
        # ... when the runner-up is no FAQ topic, no term is named, or the term has a FAQ entry of its own.
        ("Wie viele Punkte braucht man für das Gold-Label?", [("ask_glossary", 0.33), ("out_of_scope", 0.3)], None),
        ("Wie viele Punkte braucht man?", [("ask_glossary", 0.33), ("faq_dauer_aufnahme", 0.2)], None),
        ("Was ist die Kostenbeteiligung genau?", [("ask_glossary", 0.3), ("faq_gold_antrag", 0.2)], None),
        ("Wie viele Punkte braucht man für das Gold-Label?", [("ask_glossary", 0.9)], None),
    ],
)
def test_a_hesitant_glossary_reading_confirmed_by_the_content(chooser, text, ranking, expected):
    choice = chooser.choose(text, ranking)
    assert (choice.term if choice else None) == expected
    if choice:
        assert choice.intent == "ask_glossary"
        assert choice.confidence == pytest.approx(ranking[0][1] + ranking[1][1])


def test_a_term_and_its_own_faq_entry_pool_their_probability(chooser):
    # "Was ist das Beratungsgespräch?" is answered alike by both readings: below the fallback
    # threshold each, together above it.
    choice = chooser.choose("Was ist das Beratungsgespräch?", [("faq_beratungsgespraech", 0.3), ("ask_glossary", 0.25)])
    assert choice == Choice("faq_beratungsgespraech", pytest.approx(0.55), "beratungsgespraech")


def test_reorder_puts_the_choice_first():
    ranking = [("faq_labels", 0.6), ("ask_glossary", 0.3), ("faq_pflichten", 0.1)]
    assert reorder(ranking, Choice("ask_glossary", 0.9, "esca")) == [
        ("ask_glossary", 0.9),
        ("faq_labels", 0.6),
        ("faq_pflichten", 0.1),
    ]


@pytest.mark.parametrize(
    "documents, text, key, expected",
    [
        # Rare words weigh more than words every answer has.
        ({"a": "Cluster Ministerien", "b": "Cluster", "c": "Cluster"}, "Welche Ministerien und Cluster?", "a", 1.0),
        ({"a": "Cluster Ministerien", "b": "Cluster", "c": "Cluster"}, "Welche Ministerien und Cluster?", "b", 0.0),
        # A word no answer contains weighs like the rarest: idf log(4/2) of log(4/2) + log(4/1).
        ({"a": "Cluster Ministerien", "b": "Cluster", "c": "Cluster"}, "Ministerien fördern", "a", 1 / 3),
        # Inflection and compounds share the first five letters; function words do not count.
        ({"a": "Gutachterinnen", "b": "Label"}, "die Gutachter", "a", 1.0),
        # A message of function words only, an unknown answer: nothing covered.
        ({"a": "Cluster"}, "Was ist das?", "a", 0.0),
        ({"a": "Cluster"}, "Cluster", "x", 0.0),
    ],
)
def test_content_overlap(documents, text, key, expected):
    assert ContentOverlap(documents).share(text, key) == pytest.approx(expected)


@pytest.mark.parametrize("word", ["beim", "zum", "fürs", "aufs", "welche", "müssen", "eigentlich"])
def test_function_words_are_no_content(word):
    # A contraction counted as content once tipped "beim Benchmarking mitmachen" to the glossary.
    assert content_words(f"{word} Benchmarking") == ["benchmarking"]


@pytest.mark.parametrize(
    "text, ranking, expected_confidence",
    [
        # Function words only: no topic, whatever the classifier's confidence.
        ("Wieso das denn?", [("faq_einreichung", 0.44), ("guide_details", 0.09)], 0.0),
        ("Und was ist damit?", [("ask_glossary", 0.7), ("faq_labels", 0.1)], 0.0),
        # A content word names a topic ("kostet", "ESCA", "KMU"); dialogue intents need none.
        ("Was kostet das?", [("faq_mitgliedsbeitrag", 0.8)], None),
        ("ESCA?", [("ask_glossary", 0.9)], None),
        ("KMU?", [("ask_glossary", 0.9)], None),
        ("Und dann?", [("guide_next", 0.9)], None),
    ],
)
def test_no_answer_without_a_content_word(chooser, text, ranking, expected_confidence):
    choice = chooser.choose(text, ranking)
    assert (choice.confidence if choice else None) == expected_confidence
    if choice:
        assert choice.intent == ranking[0][0]  # the candidates stay for the clarifying question
