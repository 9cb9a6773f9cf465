"""Custom actions with real rasa-sdk Tracker objects."""

from __future__ import annotations

import json

import pytest

from actions.knowledge import (
    ActionAnswerFaq,
    ActionClarify,
    ActionCoreFallback,
    ActionExplainTerm,
    ActionHandleBadInput,
    ActionReplyEnglish,
)
from tests.conftest import make_tracker, run_action, user_event

HOTLINE_PHONE = "+49 30 310078-387"
HOTLINE_MAIL = "info@go-cluster.de"


def texts(messages):
    return "\n".join(m.get("text") or "" for m in messages)


def payloads(messages):
    return [b["payload"] for m in messages for b in (m.get("buttons") or [])]


def test_faq_answer_comes_from_the_content_with_source(knowledge):
    tracker = make_tracker([user_event("wie viel gibt es fürs gold label", "faq_gold_kostenbeteiligung")])
    messages, events = run_action(ActionAnswerFaq(), tracker)
    assert events == []
    text = texts(messages)
    assert knowledge.faq["gold_kostenbeteiligung"].answer in text
    assert "4.160,00 Euro netto" in text and "3.725,00 Euro" in text
    assert "Quelle:" in text and knowledge.sources["Q1"].url in text
    # The check the assistant can run comes first, then the related questions.
    assert payloads(messages)[0] == "/cost_share_check"
    assert all(p.startswith("/faq_") for p in payloads(messages)[1:])


@pytest.mark.parametrize("intent", ["faq_was_ist_go_cluster", "faq_kontakt", "faq_aufnahmeprozess", "faq_pflichten"])
def test_each_faq_intent_answers_its_own_entry(knowledge, intent):
    messages, _ = run_action(ActionAnswerFaq(), make_tracker([user_event("x", intent)]))
    assert knowledge.faq_for_intent(intent).answer in texts(messages)


def test_unknown_faq_intent_admits_it_and_gives_hotline():
    messages, _ = run_action(ActionAnswerFaq(), make_tracker([user_event("x", "faq_gibt_es_nicht")]))
    assert "keine gesicherte Antwort" in texts(messages) and HOTLINE_PHONE in texts(messages)


def test_glossary_answer_by_text(knowledge):
    messages, _ = run_action(ActionExplainTerm(), make_tracker([user_event("Was ist ESCA?", "ask_glossary")]))
    assert knowledge.terms["esca"].definition in texts(messages)
    assert texts(messages).startswith("ESCA (European Secretariat for Cluster Analysis):")


def test_glossary_answer_by_button_entity_wins_over_text(knowledge):
    entity = [{"entity": "glossary_term", "value": "eucles"}]
    text = '/ask_glossary{"glossary_term":"eucles"}'
    messages, _ = run_action(ActionExplainTerm(), make_tracker([user_event(text, "ask_glossary", entities=entity)]))
    assert knowledge.terms["eucles"].definition in texts(messages)


def test_unknown_term_is_honest_and_offers_closest_terms():
    messages, _ = run_action(
        ActionExplainTerm(), make_tracker([user_event("Was ist ein Clusterakteursrat?", "ask_glossary")])
    )
    text = texts(messages)
    assert "keinen Eintrag" in text and "„Clusterakteursrat“" in text
    assert HOTLINE_PHONE in text and HOTLINE_MAIL in text
    buttons = payloads(messages)
    assert 1 <= len(buttons) <= 3
    assert all(p.startswith('/ask_glossary{"glossary_term":') for p in buttons)
    assert json.loads(buttons[0][len("/ask_glossary") :])["glossary_term"] == "clusterakteure"


@pytest.mark.parametrize("text", ["Was bedeutet das?", "/ask_glossary"])
def test_glossary_question_without_a_term_asks_which_one(text):
    messages, _ = run_action(ActionExplainTerm(), make_tracker([user_event(text, "ask_glossary")]))
    assert "Welchen Begriff" in texts(messages)


def test_clarify_offers_the_two_likeliest_topics_then_hotline():
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.9},
        {"name": "greet", "confidence": 0.2},
        {"name": "faq_einreichung", "confidence": 0.19},
        {"name": "faq_aufnahmeprozess", "confidence": 0.15},
        {"name": "faq_kontakt", "confidence": 0.1},
    ]
    first = user_event("antrag wie wo", "nlu_fallback", 0.9, ranking=ranking)
    messages, _ = run_action(ActionClarify(), make_tracker([first]))
    assert "Meinten Sie" in texts(messages)
    assert payloads(messages) == ["/faq_einreichung", "/faq_aufnahmeprozess", "/deny"]
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert titles[0] == "Wann und wie reiche ich den Antrag ein?"

    bot = {"event": "action", "name": "action_clarify"}
    second = user_event("blablub", "nlu_fallback", 0.9, ranking=ranking)
    messages, _ = run_action(ActionClarify(), make_tracker([first, bot, second]))
    assert "Meinten Sie" not in texts(messages)
    assert HOTLINE_PHONE in texts(messages)
    assert payloads(messages) == ['/ask_human{"handoff_reason":"not_understood"}', "/deny"]  # hand-off offered


def test_clarify_offers_a_glossary_term_found_in_the_text():
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.9},
        {"name": "ask_glossary", "confidence": 0.2},
        {"name": "faq_labels", "confidence": 0.1},
    ]
    messages, _ = run_action(
        ActionClarify(), make_tracker([user_event("hmm eucles?? labels", "nlu_fallback", ranking=ranking)])
    )
    assert payloads(messages)[0] == '/ask_glossary{"glossary_term":"eucles"}'


PROCESS_RANKING = [
    {"name": "nlu_fallback", "confidence": 0.9},
    {"name": "stop", "confidence": 0.3},
    {"name": "guide_goto", "confidence": 0.2},
    {"name": "change_draft_field", "confidence": 0.15},
    {"name": "faq_kontakt", "confidence": 0.1},
    {"name": "faq_labels", "confidence": 0.05},
]


@pytest.mark.parametrize(
    "slots, active_loop, expected",
    [
        # Outside any process: no "Abbrechen", no tour step, no draft change (seen for "qwertz asdfg yxcvb").
        ({}, None, ["/faq_kontakt", "/faq_labels", "/deny"]),
        ({}, {"name": "booking_form"}, ["/stop", "/faq_kontakt", "/deny"]),
        ({"guide_step": 2}, None, ["/guide_goto", "/faq_kontakt", "/deny"]),
        ({"draft_reference": "A-1"}, None, ["/change_draft_field", "/faq_kontakt", "/deny"]),
    ],
)
def test_clarifying_suggestions_fit_where_the_conversation_is(slots, active_loop, expected):
    message = user_event("qwertz asdfg yxcvb", "nlu_fallback", 0.9, ranking=PROCESS_RANKING)
    messages, _ = run_action(ActionClarify(), make_tracker([message], slots=slots, active_loop=active_loop))
    assert payloads(messages) == expected


def test_english_message_gets_german_notice_and_help_where_possible(knowledge):
    messages, _ = run_action(ActionReplyEnglish(), make_tracker([user_event("what does ESCA stand for", "in_english")]))
    text = texts(messages)
    assert "Ich antworte nur auf Deutsch" in text and "German" in text
    assert knowledge.terms["esca"].definition in text


def test_english_message_without_known_topic_gets_start_buttons():
    messages, _ = run_action(ActionReplyEnglish(), make_tracker([user_event("how is the weather", "in_english")]))
    assert "Ich antworte nur auf Deutsch" in texts(messages)
    assert "/faq_was_ist_go_cluster" in payloads(messages)


@pytest.mark.parametrize(
    "problem, original, expected",
    [
        ("empty", "", "Ihre Nachricht war leer"),
        ("no_letters", "😀😀", "nicht Emojis oder Sonderzeichen"),
        ("too_long", "x" * 10_000, "mit mehr als 1000 Zeichen zu lang"),
        ("json", '{"a": 1}', "technischen Daten"),
        ("markup_only", "<script>x</script>", "Programmcode"),
    ],
)
def test_bad_input_gets_a_specific_german_message(problem, original, expected):
    event = user_event("", "bad_input")
    event["text"] = original  # the user event keeps the original, the parse data the cleaned text
    messages, events = run_action(ActionHandleBadInput(), make_tracker([event]))
    assert expected in texts(messages)
    assert events == []


def test_core_fallback_apologises_and_reverts_the_message():
    messages, events = run_action(ActionCoreFallback(), make_tracker([user_event("ja", "affirm")]))
    assert HOTLINE_PHONE in texts(messages)
    assert events == [{"event": "rewind", "timestamp": None}]


def test_nonsense_without_likely_topics_is_asked_to_rephrase():
    # rasa_ext.nlu.LanguageGuard: "16 18" has no words, so no topic is offered.
    event = user_event("16 18", "bad_input", 1.0, ranking=[{"name": "bad_input", "confidence": 1.0}])
    messages, _ = run_action(ActionHandleBadInput(), make_tracker([event]))
    assert "nicht verstanden" in texts(messages) and "Meinten Sie" not in texts(messages)
    assert payloads(messages) == ["/ask_capabilities"]


def test_gibberish_classified_as_bad_input_gets_a_clarifying_question():
    ranking = [{"name": "bad_input", "confidence": 0.4}, {"name": "faq_kontakt", "confidence": 0.2}]
    event = user_event("asdf", "bad_input", 0.4, ranking=ranking)
    messages, _ = run_action(ActionHandleBadInput(), make_tracker([event]))
    assert "Meinten Sie" in texts(messages)
    assert payloads(messages)[0] == "/faq_kontakt"


@pytest.mark.parametrize(
    "text, entry",
    [
        ("What is go-cluster?", "was_ist_go_cluster"),
        ("How can our cluster join?", "aufnahmeprozess"),
        ("Is there a membership fee?", "mitgliedsbeitrag"),
        ("How much is the gold label cost share?", "gold_kostenbeteiligung"),
        ("Can I talk to a person?", "kontakt"),
        ("Who can I talk to about the programme?", "kontakt"),
    ],
)
def test_english_programme_questions_are_answered_in_german(knowledge, text, entry):
    messages, _ = run_action(ActionReplyEnglish(), make_tracker([user_event(text, "in_english")]))
    assert knowledge.faq[entry].answer in texts(messages)
