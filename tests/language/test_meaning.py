"""answer_kind: a message that is no name or free-text answer, and real names that are."""

from __future__ import annotations

import pytest

from bot.language import NAME_REJECTED_KINDS, answer_kind, looks_like_question
from bot.language.meaning import COMMAND, DONT_KNOW, GREETING, KINDS, QUESTION, YES_NO

NOT_AN_ANSWER = [
    # yes and no
    ("Ja", YES_NO),
    ("ja", YES_NO),
    ("JA!", YES_NO),
    ("jaaa", YES_NO),
    ("Ja gerne", YES_NO),
    ("ja, bitte", YES_NO),
    ("Nein", YES_NO),
    ("nein danke.", YES_NO),
    ("Nö", YES_NO),
    ("noe", YES_NO),
    ("nee", YES_NO),
    ("Jo", YES_NO),
    ("nien", YES_NO),
    ("Okay", YES_NO),
    ("ok 👍", YES_NO),
    ("Genau", YES_NO),
    ("Stimmt", YES_NO),
    ("Alles klar", YES_NO),
    ("Passt", YES_NO),
    ("Ähm, ja", YES_NO),
    ("Ist gut", YES_NO),
    ("keine", YES_NO),
    ("auf jeden Fall", YES_NO),
    ("Hallo, ja", YES_NO),
    # greetings and thanks
    ("Hallo", GREETING),
    ("hallooo", GREETING),
    ("Hi", GREETING),
    ("Hey!", GREETING),
    ("Guten Tag", GREETING),
    ("guten morgen", GREETING),
    ("Moin", GREETING),
    ("Moin moin", GREETING),
    ("Servus", GREETING),
    ("Grüß Gott", GREETING),
    ("Gruess Gott", GREETING),
    ("Danke", GREETING),
    ("Danke 😊", GREETING),
    ("Vielen Dank!", GREETING),
    ("Tschüss", GREETING),
    ("tschuess", GREETING),
    ("Auf Wiedersehen", GREETING),
    ("Bitte", GREETING),
    ("Hallo zusammen", GREETING),
    # I don't know
    ("Weiß ich nicht", DONT_KNOW),
    ("weiss nicht", DONT_KNOW),
    ("weis ich nicht", DONT_KNOW),
    ("Keine Ahnung", DONT_KNOW),
    ("keine ahnung 🤷", DONT_KNOW),
    ("k.A.", DONT_KNOW),
    ("k. A.", DONT_KNOW),
    ("kA", DONT_KNOW),
    ("Das weiß ich leider nicht", DONT_KNOW),
    ("Vielleicht", DONT_KNOW),
    ("vieleicht", DONT_KNOW),
    ("unbekannt", DONT_KNOW),
    ("Hallo, keine Ahnung", DONT_KNOW),
    # commands
    ("/restart", COMMAND),
    ("/greet", COMMAND),
    ("Abbrechen", COMMAND),
    ("abbrechen bitte", COMMAND),
    ("abrechen", COMMAND),
    ("Stopp!", COMMAND),
    ("stop", COMMAND),
    ("Zurück", COMMAND),
    ("zurueck", COMMAND),
    ("Weiter", COMMAND),
    ("Hilfe", COMMAND),
    ("Überspringen", COMMAND),
    ("neu starten", COMMAND),
    ("Menü", COMMAND),
    ("zum Hauptmenü", COMMAND),
    ("von vorne", COMMAND),
    ("Ich möchte abbrechen", COMMAND),
    ("Nein, abbrechen", COMMAND),
    # questions
    ("Was ist ESCA?", QUESTION),
    ("Anna Schmidt?", QUESTION),
    ("Ja?", QUESTION),
    ("???", QUESTION),
    ("Was ist ESCA", QUESTION),
    ("Wie lange dauert das", QUESTION),
    ("Welche Unterlagen brauche ich", QUESTION),
    ("Gibt es eine Frist", QUESTION),
    ("Muss ich das ausfüllen", QUESTION),
    ("Können Sie mir helfen", QUESTION),
    ("Koennen Sie mir helfen", QUESTION),
    ("Ist das Pflicht", QUESTION),
    ("Wie bitte", QUESTION),
    ("Ich habe eine Frage", QUESTION),
    ("Frage", QUESTION),
    ("WAS IST ESCA", QUESTION),
    ("Was meinen Sie damit? 🤔", QUESTION),
]

REAL_ANSWERS = [
    # people
    "Anna Schmidt",
    "Dr. Anna Muster",
    "Jan",
    "Jan Nein",
    "Janine Hallo",
    "Moni",
    "Hall",
    "Halle",
    "Weiler",
    "Weiss",
    "Klara",
    "Dr. Hans Weiter",
    "Stefan Ende",
    "Okay Yilmaz",
    "Jo Müller",
    "Nina Ja",
    "Danke Anna",
    "Frau Ahnung",
    "Prof. Dr. Frage",
    "Tag Nguyen",
    "Peter Hilfe-Schmidt",
    "Maria Stopp",
    "Sicher-Bauer",
    "Genau Meier",
    "Anna-Lena Gut",
    "Ole",
    "Noah",
    "Neo",
    "Noe Schneider",
    "Jakob Weiß",
    "Hallmann",
    # organisations and clusters
    "Cluster Nord e. V.",
    "Cluster Nord e.V.",
    "Ja-Cluster Energie GmbH",
    "Fragebogen GmbH",
    "Hallo Welt GmbH",
    "WAS GmbH",
    "Hi-Tech Cluster",
    "Servus TV",
    "Stop & Go GmbH",
    "KA Energy",
    "Moin Moin e.V.",
    "Soll & Haben GmbH",
    "Kann Consulting",
    "Zurück-Logistik GmbH",
    "Menü Manufaktur",
    "Start-up Cluster",
    "Hilfswerk e.V.",
    "Gut Holz e.V.",
    "Weiterbildung Nord",
    "Clusterinitiative Hallo Halle",
    "Silicon Saxony",
    "Automotive Cluster Ostdeutschland",
    "Cluster Nanotechnologie",
    "Frage & Antwort GmbH",
    "Bitte Wenden e.V.",
    "Genau-Technik AG",
    "Okay Medien",
    "Stimmt-Verlag",
    "Keine Sorgen GmbH",
    "Danke-Stiftung",
    # other free texts
    "Energie und Klima",
    "Künstliche Intelligenz",
    "Medizintechnik",
    "Geschäftsführerin",
    "Wasserstoff",
]


@pytest.mark.parametrize("text, kind", NOT_AN_ANSWER)
def test_messages_that_are_no_answer(text, kind):
    assert answer_kind(text) == kind


@pytest.mark.parametrize("text", REAL_ANSWERS)
def test_real_names_and_texts_are_answers(text):
    assert answer_kind(text) is None


@pytest.mark.parametrize("text", ["", "   ", "🙂", "...", "12345"])
def test_nothing_to_tell(text):
    assert answer_kind(text) is None


def test_names_reject_every_kind():
    assert NAME_REJECTED_KINDS == frozenset(KINDS) == {YES_NO, GREETING, DONT_KNOW, COMMAND, QUESTION}


@pytest.mark.parametrize(
    "text, question",
    [
        ("Was ist ESCA?", True),
        ("Gibt es eine Frist", True),
        ("gibts eine Frist", True),
        ("Muss ich", True),
        ("Konnen wir", True),
        ("Cluster Nord e. V.", False),
        ("www.cluster-nord.de", False),
        ("Soll & Haben", True),
    ],
)
def test_looks_like_question(text, question):
    assert looks_like_question(text) is question
