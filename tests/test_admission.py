"""Admission guide, readiness check and Gold-label cost-share check, with real trackers."""

from __future__ import annotations

import asyncio

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.admission as admission
from bot.admission.guide import load_guide, missing_documents, move, step_from_progress, step_number
from bot.config import PROJECT_ROOT
from bot.eligibility import evaluate
from tests.conftest import slots_of, user_event

DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text("utf-8"))


def tracker(text="", intent="nlu_fallback", slots=None, entities=None, requested=None, loop=None) -> Tracker:
    event = user_event(text, intent, entities=entities)
    events = [event]
    values = dict(slots or {})
    if requested:
        values["requested_slot"] = requested
        values[requested] = text
        events.append({"event": "slot", "name": requested, "value": text})
    return Tracker(
        "u1", values, event["parse_data"], events, False, None, {"name": loop} if loop else {}, "action_listen"
    )


def run(action, tracker_):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_, DOMAIN))
    return "\n".join(m.get("text") or "" for m in dispatcher.messages), dispatcher.messages, events


def payloads(messages):
    return [b["payload"] for m in messages for b in (m.get("buttons") or [])]


# --- the guide as data --------------------------------------------------------------------
def test_five_steps_follow_the_programme_page():
    guide = load_guide()
    assert [s.title for s in guide.steps] == [
        "Verpflichtende Beratung",
        "Antrag einreichen",
        "Aufnahmegespräch",
        "Abstimmung über die Aufnahme",
        "Aufnahme oder Feedback",
    ]
    assert "book_consultation" in guide.step(1).offers
    assert all(s.sources for s in guide.steps)


@pytest.mark.parametrize(
    "current, direction, expected",
    [
        (None, "next", 1),
        (None, "start", 1),
        (1, "next", 2),
        (4, "next", 5),
        (5, "next", 5),
        (1, "back", 1),
        (3, "back", 2),
        (3, "details", 3),
        (3, "start", 1),
    ],
)
def test_move(current, direction, expected):
    assert move(current, direction) == expected


@pytest.mark.parametrize(
    "text, step, outcome",
    [
        ("Wir hatten die Beratung schon", 2, None),
        ("Das Beratungsgespräch ist erledigt", 2, None),
        ("Die Pflichtberatung haben wir bereits gehabt", 2, None),
        ("Wir hatten noch keine Beratung", 1, None),
        ("Wir haben den Antrag schon eingereicht", 3, None),
        ("Den Aufnahmeantrag haben wir vorige Woche abgeschickt", 3, None),
        ("Antrag ist noch nicht eingereicht", 2, None),
        ("Das Aufnahmegespräch liegt hinter uns", 4, None),
        ("Wir warten auf die Entscheidung", 4, None),
        # A compound names the most specific step: the consultation is no "Gespräch" of step 4.
        ("Wir hatten das Beratungsgespräch schon", 2, None),
        ("Das Erstgespräch haben wir geführt", 2, None),
        ("Das Aufnahmegespräch haben wir bereits geführt", 4, None),
        ("Wir haben den Antrag eingereicht und warten auf die Entscheidung", 4, None),
        ("Wir wurden aufgenommen!", 5, "admitted"),
        ("Leider wurden wir abgelehnt", 5, "rejected"),
        ("Wir wurden nicht aufgenommen", 5, "rejected"),
    ],
)
def test_where_the_user_stands(text, step, outcome):
    rule = step_from_progress(load_guide(), text)
    assert (rule.step, rule.outcome) == (step, outcome)


@pytest.mark.parametrize("text", ["Wie werde ich Mitglied?", "Hallo", ""])
def test_no_progress_in_other_messages(text):
    assert step_from_progress(load_guide(), text) is None


@pytest.mark.parametrize(
    "text, number",
    [
        ("Schritt 3", 3),
        ("zu Schritt 4", 4),
        ("den fünften Schritt", 5),
        ("zweiter Schritt", 2),
        ("Schritt sieben", None),
        ("3", 3),
        ("Schritt drei", 3),
        ("den ersten", 1),
    ],
)
def test_step_number(text, number):
    assert step_number(text) == number


def test_readiness_missing_documents():
    guide = load_guide()
    missing = missing_documents(
        guide, {"application_documents": "yes", "strategy_document": "no", "actor_overview": "unknown"}
    )
    assert [d.id for d in missing] == ["strategy_document", "actor_overview"]


# --- guide actions ----------------------------------------------------------------------------
def test_guide_starts_with_overview_and_step_one():
    text, messages, events = run(admission.ActionGuide(), tracker("Wie werde ich Mitglied?", "faq_aufnahmeprozess"))
    assert "fünf Schritten" in text and "1. Verpflichtende Beratung" in text and "5. Aufnahme oder Feedback" in text
    assert "Schritt 1 von 5" in text
    assert "/book_consultation" in payloads(messages)
    assert slots_of(events) == {"guide_step": 1}


def test_guide_next_back_details_continue_from_the_remembered_step():
    text, messages, events = run(admission.ActionGuide(), tracker("weiter", "guide_next", {"guide_step": 2}))
    assert "Schritt 3 von 5 – Aufnahmegespräch" in text and slots_of(events) == {"guide_step": 3}
    assert "fünf Schritten" not in text
    text, _, events = run(admission.ActionGuide(), tracker("zurück", "guide_back", {"guide_step": 2}))
    assert "Schritt 1 von 5" in text
    text, _, _ = run(admission.ActionGuide(), tracker("Details", "guide_details", {"guide_step": 4}))
    assert "Programmbegleitkreis ist ein ehrenamtliches Gremium" in text
    text, _, events = run(
        admission.ActionGuide(),
        tracker('/guide_goto{"guide_target":"5"}', "guide_goto", entities=[{"entity": "guide_target", "value": "5"}]),
    )
    assert "Schritt 5 von 5" in text and slots_of(events) == {"guide_step": 5}


def test_progress_puts_the_user_at_the_right_step():
    text, messages, events = run(admission.ActionGuide(), tracker("Wir hatten die Beratung schon", "guide_progress"))
    assert "Dann sind Sie bei Schritt 2" in text and slots_of(events) == {"guide_step": 2}
    assert "/readiness_check" in payloads(messages)


def test_admitted_users_learn_their_obligations(knowledge):
    text, _, _ = run(admission.ActionGuide(), tracker("Wir wurden aufgenommen", "guide_progress"))
    assert knowledge.faq["pflichten"].answer in text


def test_unclear_progress_offers_the_steps():
    text, messages, events = run(admission.ActionGuide(), tracker("irgendwo mittendrin", "guide_progress"))
    assert "nicht erkennen" in text and len(payloads(messages)) == 5 and events == []


# --- readiness check ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, intent, value", [("ja", "affirm", "yes"), ("nein", "deny", "no"), ("weiß nicht", "nlu_fallback", "unknown")]
)
def test_readiness_answers(text, intent, value):
    _, _, events = run(
        admission.ValidateReadinessForm(),
        tracker(text, intent, requested="rd_strategy_document", loop="readiness_form"),
    )
    assert slots_of(events)["rd_strategy_document"] == value


def test_readiness_result_lists_what_is_missing_and_what_it_is():
    slots = {"rd_application_documents": "yes", "rd_strategy_document": "no", "rd_actor_overview": "unknown"}
    text, messages, events = run(admission.ActionReadinessResult(), tracker(slots=slots))
    assert "Für den Antrag fehlt noch" in text
    assert "Aktuelles Strategiedokument" in text and "Übersicht der Clusterakteure" in text
    assert "Antragsunterlagen:" not in text
    assert "Beratungsgespräch weiter" in text  # unsure answers point to the consultation
    assert "Mindestanforderungen" in text and not any(ch.isdigit() for ch in text.split("Mindestanforderungen")[1])
    assert all(v is None for v in slots_of(events).values())


def test_readiness_all_there():
    slots = {k: "yes" for k in admission.slots.READINESS}
    text, _, _ = run(admission.ActionReadinessResult(), tracker(slots=slots))
    assert "alle drei Bestandteile" in text


# --- cost-share check --------------------------------------------------------------------
ELIGIBLE = {"cs_member": "yes", "cs_other_funding": "no", "cs_silver_done": "yes", "cs_started": "no"}


@pytest.mark.parametrize(
    "kind, amount",
    [
        ("first", "4.160,00 Euro netto"),
        ("recert", "3.725,00 Euro (50 % der Kosten einer Re-Zertifizierung mit dem Gold-Label)"),
        ("unknown", "4.160,00 Euro netto"),
    ],
)
def test_eligible_verdict_quotes_the_amount_and_all_conditions(kind, amount):
    text, messages, events = run(admission.ActionCostShareVerdict(), tracker(slots={**ELIGIBLE, "cs_kind": kind}))
    assert "erfüllen Sie die Voraussetzungen" in text and amount in text
    assert "vor Beginn des Zertifizierungsprozesses" in text and "rückwirkende" in text
    assert "Haushaltsmittel" in text
    assert all(v is None for v in slots_of(events).values())


@pytest.mark.parametrize(
    "changes, reasons",
    [
        ({"cs_member": "no"}, ["nur für Mitglieder"]),
        ({"cs_other_funding": "yes"}, ["von dritter Stelle"]),
        ({"cs_silver_done": "no", "cs_gold_or_iso_recent": "no"}, ["Silber-Label-Prozess"]),
        ({"cs_started": "yes"}, ["vor Beginn des Zertifizierungsprozesses gestellt"]),
        (
            {"cs_member": "no", "cs_started": "yes", "cs_other_funding": "yes"},
            ["nur für Mitglieder", "von dritter Stelle", "vor Beginn des Zertifizierungsprozesses gestellt"],
        ),
    ],
)
def test_not_eligible_verdict_names_every_unmet_condition(changes, reasons):
    text, messages, _ = run(
        admission.ActionCostShareVerdict(), tracker(slots={**ELIGIBLE, "cs_kind": "first", **changes})
    )
    assert "erfüllen Sie die Voraussetzungen derzeit nicht" in text
    for reason in reasons:
        assert reason in text
    # admission guide for non-members
    assert ("/faq_aufnahmeprozess" in payloads(messages)) == ("cs_member" in changes)


def test_unclear_verdict_lists_open_points_and_the_hotline():
    slots = {**ELIGIBLE, "cs_silver_done": "unknown", "cs_gold_or_iso_recent": "unknown", "cs_kind": "first"}
    text, _, _ = run(admission.ActionCostShareVerdict(), tracker(slots=slots))
    assert "lässt sich noch nicht sagen" in text and "Silber-Label-Prozess" in text and "+49 30 310078-387" in text


def test_cost_share_form_skips_the_four_year_question_after_silver():
    form = admission.ValidateCostShareForm()
    domain_slots = DOMAIN["forms"]["cost_share_form"]["required_slots"]
    with_silver = asyncio.run(form.required_slots(domain_slots, None, tracker(slots={"cs_silver_done": "yes"}), DOMAIN))
    without = asyncio.run(form.required_slots(domain_slots, None, tracker(slots={"cs_silver_done": "no"}), DOMAIN))
    assert "cs_gold_or_iso_recent" not in with_silver and "cs_gold_or_iso_recent" in without


@pytest.mark.parametrize(
    "slot, text, value",
    [
        ("cs_gold_or_iso_recent", "haben wir 2023 gemacht", "yes"),
        ("cs_member", "jein", "unknown"),
        ("cs_kind", "Re-Zertifizierung", "recert"),
        ("cs_started", "nein, noch nicht", "no"),
    ],
)
def test_cost_share_free_answers(slot, text, value):
    _, _, events = run(
        admission.ValidateCostShareForm(), tracker(text, "nlu_fallback", requested=slot, loop="cost_share_form")
    )
    assert slots_of(events)[slot] == value


def test_verdict_rules_are_the_pure_function():
    assert (
        evaluate(
            {"member": "yes", "other_funding": "no", "silver_done": "yes", "started": "no", "kind": "first"}
        ).outcome
        == "eligible"
    )
