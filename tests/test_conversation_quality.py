"""Whole conversations with the running assistant (tests/stack.py): no loop longer than two in any
form, answers that can lead to an action offer it, typed commands are text, suggestions fit the
state, a wish given up front is used, names are not yes/no words."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Tuple

import pytest

HOTLINE = "310078-387"
HELP = "Ich komme mit Ihrer Antwort leider noch nicht weiter"


def turn(bot, sender: str, text: str) -> Tuple[str, List[Dict[str, Any]]]:
    status, replies = bot.say(sender, text)
    assert status == 200, replies
    return "\n".join(r.get("text") or "" for r in replies), [b for r in replies for b in r.get("buttons") or []]


def titles(buttons) -> List[str]:
    return [b["title"] for b in buttons]


def payload_of(buttons, title: str) -> str:
    return next(b["payload"] for b in buttons if b["title"] == title)


def assert_help_after_two_failures(bot, sender: str, wrong: List[str], handoff: bool = True) -> List[Dict[str, Any]]:
    first, buttons = turn(bot, sender, wrong[0])
    assert HELP not in first and "Mit einer Person sprechen" not in titles(buttons), first
    second, buttons = turn(bot, sender, wrong[1])
    assert HELP in second and "Abbrechen" in titles(buttons), second
    assert ("Mit einer Person sprechen" in titles(buttons)) is handoff
    return buttons


def book_until_name(bot, sender: str) -> None:
    turn(bot, sender, "Ich möchte einen Beratungstermin vereinbaren")
    turn(bot, sender, "Video")
    _, offer = turn(bot, sender, "nächste Woche vormittags")
    turn(bot, sender, offer[0]["payload"])
    text, _ = turn(bot, sender, "ja")  # consent
    assert "Name" in text, text


# --- no loop longer than two ------------------------------------------------------------------
def test_booking_form_helps_after_two_wrong_answers_and_hands_off(running_bot):
    book_until_name(running_bot, "loop-booking")
    turn(running_bot, "loop-booking", "Anna Muster")
    turn(running_bot, "loop-booking", "Cluster Nord GmbH")
    turn(running_bot, "loop-booking", "Cluster Nord")
    buttons = assert_help_after_two_failures(running_bot, "loop-booking", ["kaputt", "immer noch kaputt"])
    text, _ = turn(running_bot, "loop-booking", payload_of(buttons, "Mit einer Person sprechen"))
    assert "Person" in text and HOTLINE in text, text
    # The hand-off starts; the unfinished booking is not kept for later.
    text, _ = turn(running_bot, "loop-booking", "nein")
    text, _ = turn(running_bot, "loop-booking", "Ich möchte einen Beratungstermin vereinbaren")
    assert "Telefon" in text and "Video" in text, text  # asked from the start


def test_lookup_form_helps_after_two_wrong_references(running_bot):
    turn(running_bot, "loop-lookup", "Welchen Termin habe ich?")
    buttons = assert_help_after_two_failures(running_bot, "loop-lookup", ["weiß nicht", "keine Ahnung"])
    text, _ = turn(running_bot, "loop-lookup", payload_of(buttons, "Abbrechen"))
    assert "abgebrochen" in text.lower(), text


def test_handoff_form_helps_with_the_hotline_not_another_handoff(running_bot):
    turn(running_bot, "loop-handoff", "Ich möchte mit einem Menschen sprechen")
    turn(running_bot, "loop-handoff", "ja")
    turn(running_bot, "loop-handoff", "Anna Muster")
    buttons = assert_help_after_two_failures(running_bot, "loop-handoff", ["ruf mich an", "irgendwie"], handoff=False)
    text, _ = turn(running_bot, "loop-handoff", "anna@example.org")
    assert "Rückruf" in text, text
    # The callback time is optional: the help offers to skip it.
    assert_help_after_two_failures(running_bot, "loop-handoff", ["gestern", "vorgestern"], handoff=False)
    text, buttons = turn(running_bot, "loop-handoff", "gestern")
    assert "Überspringen" in titles(buttons)
    text, _ = turn(running_bot, "loop-handoff", payload_of(buttons, "Überspringen"))
    assert "Worum geht es" in text, text


def test_reschedule_form_helps_after_two_unreadable_wishes(running_bot):
    book_until_name(running_bot, "loop-move")
    for answer in ("Anna Muster", "Cluster Nord GmbH", "Cluster Nord"):
        turn(running_bot, "loop-move", answer)
    text, _ = turn(running_bot, "loop-move", "loop-move@example.org")
    text, _ = turn(running_bot, "loop-move", "/affirm")
    reference = re.search(r"GC-B-[0-9A-Z]{5}", text).group(0)
    turn(running_bot, "loop-move", "Ich möchte meinen Termin verschieben")
    turn(running_bot, "loop-move", reference)
    text, _ = turn(running_bot, "loop-move", "loop-move@example.org")
    assert_help_after_two_failures(running_bot, "loop-move", ["blau", "grün"])


@pytest.mark.parametrize(
    "start, unclear",
    [
        ("Sind wir bereit für den Antrag?", "vielleicht"),
        ("Bekommen wir die Kostenbeteiligung am Gold-Label?", "weiß nicht"),
    ],
)
def test_yes_no_checks_take_unclear_answers_and_go_on(running_bot, start, unclear):
    sender = "loop-check-" + str(abs(hash(start)))
    first, _ = turn(running_bot, sender, start)
    second, _ = turn(running_bot, sender, unclear)
    assert second and second.split("\n")[-1] != first.split("\n")[-1], second  # the next question
    assert HELP not in second


# --- answers offer the action next to them ----------------------------------------------------
def test_the_prerequisites_answer_offers_the_check(running_bot):
    text, buttons = turn(running_bot, "offer-check", "Welche Voraussetzungen gelten für die Kostenbeteiligung?")
    assert "alle drei Voraussetzungen" in text
    assert titles(buttons)[0] == "Kostenbeteiligung prüfen"
    text, _ = turn(running_bot, "offer-check", payload_of(buttons, "Kostenbeteiligung prüfen"))
    assert "Mitglied" in text and "?" in text, text  # the first question of the check


@pytest.mark.parametrize(
    "question, action",
    [
        ("Welche Unterlagen muss ich einreichen?", "Sind wir bereit für den Antrag?"),
        ("Was kostet das Gold-Label?", "Kostenbeteiligung prüfen"),
        ("Wie erreiche ich das go-cluster-Team?", "Mit einer Person sprechen"),
        ("Wer kann sich bewerben?", "Beratungstermin vereinbaren"),
    ],
)
def test_informational_answers_offer_what_the_assistant_can_do(running_bot, question, action):
    _, buttons = turn(running_bot, "offer-" + str(abs(hash(question))), question)
    assert action in titles(buttons)


def test_a_wish_given_with_the_booking_request_is_not_asked_again(running_bot):
    turn(running_bot, "wish", "Haben Sie nächste Woche einen Beratungstermin frei?")
    text, buttons = turn(running_bot, "wish", "Video")
    assert "Wann" not in text.split("\n")[0] and len(buttons) >= 3, text
    assert "Diese Termine sind frei" in text


def test_a_wish_outside_the_office_hours_is_declined_with_the_reason(running_bot):
    turn(running_bot, "evening", "Ich möchte einen Beratungstermin vereinbaren")
    turn(running_bot, "evening", "Video")
    text, buttons = turn(running_bot, "evening", "nächsten Donnerstag um 19 Uhr")
    assert "montags bis freitags von 9 bis 12 und von 13 bis 16 Uhr" in text and "vergeben" not in text
    assert len(buttons) >= 3


# --- typed commands, suggestions, names -------------------------------------------------------
@pytest.mark.parametrize("command", ["/restart", "/session_start", "/affirm", "/stop"])
def test_typed_commands_get_a_german_answer(running_bot, command):
    text, _ = turn(running_bot, "typed-" + command.strip("/"), command)
    assert text.strip(), command


def test_a_typed_restart_in_a_form_does_not_wipe_it(running_bot):
    turn(running_bot, "typed-form", "Ich möchte einen Beratungstermin vereinbaren")
    text, _ = turn(running_bot, "typed-form", "/restart")
    assert text.strip()
    text, _ = turn(running_bot, "typed-form", "Video")
    assert "Wann" in text or "Zeit" in text, text  # the form went on


def test_suggestions_outside_a_process_offer_no_process_controls(running_bot):
    for sender, text in (("odd-1", "qwertz asdfg yxcvb"), ("odd-2", "bla bla bla")):
        answer, buttons = turn(running_bot, sender, text)
        assert answer.strip()
        assert not {"Abbrechen", "Zu einem Schritt springen", "Nächster Schritt"} & set(titles(buttons)), buttons


@pytest.mark.parametrize("answer", ["Ja", "nein danke", "Hallo", "Was kostet das?"])
def test_yes_no_words_greetings_and_questions_are_no_names(running_bot, answer):
    sender = "name-" + str(abs(hash(answer)))
    book_until_name(running_bot, sender)
    text, _ = turn(running_bot, sender, answer)
    assert "Name" in text, text  # asked again (after an answer if a question)
    text, _ = turn(running_bot, sender, "Anna Muster")
    assert "Organisation" in text, text
