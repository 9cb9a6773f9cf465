"""Unanswered questions as the hotline team reads them: German topic labels, garbage collapsed."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from bot.handoff.readable import load_payload_labels
from bot.handoff.service import TicketService
from bot.web.dashboard.questions import NO_TOPIC, SHOWN_CHARS, is_unreadable, question_list, shorten, topic_label
from tests.test_dashboard import START, cheap_hashing, clock, dashboard, login, run  # noqa: F401

BERLIN = ZoneInfo("Europe/Berlin")
LABELS = {
    "faq_labels": "Was bedeuten Bronze-, Silber- und Gold-Label?",
    "ask_glossary": "Begriff erklären",
    "greet": "Begrüßung",
    "out_of_scope": "Anderes Thema",
}
KINDS = {"not_understood": "nicht verstanden"}


@pytest.mark.parametrize(
    "intent, label",
    [
        ("faq_labels", "Was bedeuten Bronze-, Silber- und Gold-Label?"),
        ("ask_glossary", "Begriff erklären"),
        (None, NO_TOPIC),
        ("", NO_TOPIC),
        ("bad_input", NO_TOPIC),
        ("nlu_fallback", NO_TOPIC),  # internal values
        ("null", NO_TOPIC),
        ("/action_listen", NO_TOPIC),
        ("action_listen", NO_TOPIC),
        ("greet", NO_TOPIC),
        ("out_of_scope", NO_TOPIC),  # no topic someone could have meant
        ("faq_gibt_es_nicht", NO_TOPIC),
    ],
)
def test_topic_label(intent, label):
    assert topic_label(intent, LABELS) == label


def test_every_topic_intent_of_the_content_has_a_label():
    labels = load_payload_labels().intents
    assert topic_label("faq_dauer_aufnahme", labels) == labels["faq_dauer_aufnahme"] != NO_TOPIC
    assert topic_label("book_consultation", labels) == "Beratungstermin vereinbaren"
    assert topic_label("bad_input", labels) == NO_TOPIC


@pytest.mark.parametrize(
    "text, intent, unreadable",
    [
        ("Was kostet der Flux-Kompensator?", "ask_glossary", False),
        ("Gibt es Fristen?", None, False),
        ("Frist 31.12.2026?", None, False),  # few letters, still a question
        ("Kann ich https://www.example.org/ein/sehr/langer/pfad/der/keine/leerzeichen/hat verlinken?", None, False),
        ("Was ist eine Donaudampfschifffahrtsgesellschaft?", None, False),  # a long German word
        ("wer " * 120, None, False),  # 480 characters: long, but words
        ("hallo", "bad_input", True),  # the NLU said so
        ("", None, True),
        ("   ", None, True),
        ("!!!???###", None, True),
        ("12345 678", None, True),
        ("🙂🙂🙂", None, True),
        ('{"frage": "json"}', None, True),
        ("<script>alert(1)</script>", None, True),
        ("x" * 501, None, True),  # pasted walls of text
        ("wer " * 126, None, True),
        ("asdfghjklasdfghjklasdfghjklasdfghjklasdfg ok", None, True),  # keyboard mashing (41 letters)
    ],
)
def test_is_unreadable(text, intent, unreadable):
    assert is_unreadable(text, intent) is unreadable


@pytest.mark.parametrize(
    "text, shown, cut",
    [
        pytest.param("Kurze Frage?", "Kurze Frage?", False, id="short"),
        pytest.param("  Mehrere   Leerzeichen\nund Zeilen  ", "Mehrere Leerzeichen und Zeilen", False, id="spaces"),
        pytest.param("a" * SHOWN_CHARS, "a" * SHOWN_CHARS, False, id="just-fits"),
        pytest.param("Wort " * 40, ("Wort " * 32).strip() + " …", True, id="cut-between-words"),
        pytest.param("Wörter, " * 40, ("Wörter, " * 20).strip(" ,") + " …", True, id="no-comma-before-ellipsis"),
        pytest.param("b" * 200, "b" * SHOWN_CHARS + " …", True, id="one-long-word"),
    ],
)
def test_shorten(text, shown, cut):
    assert shorten(text) == (shown, cut)


def question(text, count=1, intent=None, kind="not_understood", minutes=0):
    return SimpleNamespace(
        text=text, count=count, guessed_intent=intent, kind=kind, last_seen=START + timedelta(minutes=minutes)
    )


def test_question_list_collapses_garbage_into_one_line():
    long_question = "Warum " + "ist das so kompliziert und " * 10 + "was tun wir jetzt?"
    listed = question_list(
        [
            question("Was ist ESCA-Gold?", 4, "faq_labels"),
            question("!!!", 3, minutes=5),
            question("x" * 900, 2, "bad_input", minutes=9),
            question(long_question, 1, "null"),
            question("Englisch?", 1, kind="neue_art"),
        ],
        LABELS,
        KINDS,
    )
    assert [(r.text[:18], r.count, r.topic, r.kind) for r in listed.rows] == [
        ("Was ist ESCA-Gold?", 4, "Was bedeuten Bronze-, Silber- und Gold-Label?", "nicht verstanden"),
        ("Warum ist das so k", 1, NO_TOPIC, "nicht verstanden"),
        ("Englisch?", 1, NO_TOPIC, NO_TOPIC),
    ]
    assert listed.rows[1].text.endswith(" …") and listed.rows[1].full_text == long_question
    assert listed.rows[0].full_text == ""
    assert (listed.unreadable, listed.unreadable_count, listed.unreadable_last_seen) == (
        2,
        5,
        START + timedelta(minutes=9),
    )
    assert question_list([], LABELS, KINDS) == question_list([], {}, {})


def test_questions_page_and_csv_never_show_internal_values(dashboard, clock):  # noqa: F811
    service = TicketService(dashboard.sessions, clock=clock)
    for text, intent in (
        ("Darf ein Verein Mitglied werden?", "action_listen"),
        ("Gibt es Fristen?", "null"),
        ("Was kostet das Gold-Label?", "faq_labels"),
        ("ok ok ok", "bad_input"),
        ("x" * 990, "bad_input"),
        ("?!?!", "nlu_fallback"),
        ("Hallo?", "greet"),
    ):
        service.log_unanswered(text, "not_understood", intent, 0.4)

    async def scenario(client):
        await login(client)
        return (
            await (await client.get("/hotline/fragen")).text(),
            (await (await client.get("/hotline/fragen.csv")).read()).decode("utf-8"),
        )

    page, export = run(dashboard, scenario)
    for internal in ("bad_input", "action_listen", "null", "nlu_fallback", "greet", "xxxxxxxxxx"):
        assert internal not in page, internal
    assert "3 unverständliche Eingaben" in page and "4 verschiedene Fragen" in page
    assert "Was bedeuten Bronze-, Silber- und Gold-Label?" in page
    rows = list(csv.reader(io.StringIO(export[1:]), delimiter=";"))
    topics = {row[0][:20]: row[4] for row in rows[1:]}
    assert len(rows) == 8  # the export keeps every question, in full
    assert topics["Darf ein Verein Mitg"] == topics["Gibt es Fristen?"] == topics["ok ok ok"] == NO_TOPIC
    assert topics["Hallo?"] == topics["?!?!"] == NO_TOPIC
    assert topics["Was kostet das Gold-"] == "Was bedeuten Bronze-, Silber- und Gold-Label?"
    assert "x" * 990 in export
    assert not {"bad_input", "action_listen", "null", "nlu_fallback", "greet"} & {row[4] for row in rows}
