"""Draft applications: service rules, form validation with real trackers, summary, staff export."""

from __future__ import annotations

import asyncio
import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.applications as applications
import actions.booking as booking_actions
from bot.applications.fields import BREAKDOWN
from bot.applications.schema import load_schema
from bot.applications.service import (
    ConsultationMissing,
    ConsultationPending,
    DraftNotFound,
    OrganisationTaken,
    organisation_key,
)
from bot.booking.service import BookingRequest
from bot.cli.drafts import write_csv, write_json
from bot.config import PROJECT_ROOT
from tests.conftest import mark_held_after_start, slots_of, user_event

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 28, 10, tzinfo=BERLIN)
DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text("utf-8"))


@pytest.fixture
def services(database_url, monkeypatch, make_services):
    built = make_services(database_url, clock=lambda: NOW)
    monkeypatch.setattr(applications, "now", lambda: NOW)
    return built.bookings, built.drafts


def consultation(bookings, held=True, email="anna@example.org", hour=10):
    booking = bookings.book(
        BookingRequest(datetime(2026, 12, 3, hour, tzinfo=BERLIN), "video", "Anna", "Org", "Cl", email, None, NOW)
    )
    if held:
        mark_held_after_start(bookings, booking.reference)
    return booking


# --- service -----------------------------------------------------------------------------
def test_draft_needs_a_held_consultation(services):
    bookings, drafts = services
    with pytest.raises(ConsultationMissing):
        drafts.open("GC-B-22222", "anna@example.org")
    pending = consultation(bookings, held=False)
    with pytest.raises(ConsultationPending):
        drafts.open(pending.reference, pending.email)
    with pytest.raises(ConsultationMissing):  # right reference, wrong e-mail
        drafts.open(pending.reference, "mallory@example.org")


def test_one_draft_per_consultation_and_it_is_resumed(services):
    bookings, drafts = services
    booking = consultation(bookings)
    first = drafts.open(booking.reference, booking.email)
    assert first.reference.startswith("GC-A-") and first.status == "draft" and first.fields == {}
    drafts.save_fields(first.reference, {"cluster_name": "Cluster Nord"})
    again = drafts.open(booking.reference, booking.email)
    assert again.reference == first.reference and again.fields == {"cluster_name": "Cluster Nord"}


def test_one_draft_per_organisation(services):
    bookings, drafts = services
    a = drafts.open(*(lambda b: (b.reference, b.email))(consultation(bookings, email="a@example.org", hour=10)))
    b = drafts.open(*(lambda b: (b.reference, b.email))(consultation(bookings, email="b@example.org", hour=11)))
    drafts.save_fields(a.reference, {"organisation": "Cluster Nord e. V."})
    with pytest.raises(OrganisationTaken):
        drafts.save_fields(b.reference, {"organisation": "cluster nord e.V."})
    assert drafts.get(b.reference).fields == {}  # nothing half-written
    assert organisation_key("Cluster Nord e. V.") == organisation_key("CLUSTER-NORD e.V.")


def test_fields_can_be_cleared_and_status_changed(services):
    bookings, drafts = services
    draft = drafts.open(*(lambda b: (b.reference, b.email))(consultation(bookings)))
    drafts.save_fields(draft.reference, {"actors_total": 120, "actors_companies": 80})
    assert drafts.save_fields(draft.reference, {"actors_companies": None}).fields == {"actors_total": 120}
    assert drafts.set_status(draft.reference, "submitted").status == "submitted"
    assert [d.reference for d in drafts.list("submitted")] == [draft.reference]
    assert drafts.list("draft") == []


# --- conversation ----------------------------------------------------------------------------
def tracker(text="", intent="nlu_fallback", slots=None, requested=None, entities=None) -> Tracker:
    event = user_event(text, intent, entities=entities)
    events = [event]
    values = dict(slots or {})
    if requested:
        values["requested_slot"] = requested
        values[requested] = text
        events.append({"event": "slot", "name": requested, "value": text})
    return Tracker(
        "u1",
        values,
        event["parse_data"],
        events,
        False,
        None,
        {"name": "draft_form"} if requested else {},
        "action_listen",
    )


def run(action, tracker_):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_, DOMAIN))
    return "\n".join(m.get("text") or "" for m in dispatcher.messages), dispatcher.messages, events


def lookup(purpose, reference, email):
    return run(
        booking_actions.ActionHandleBookingLookup(),
        tracker(slots={"lookup_purpose": purpose, "booking_reference": reference, "lookup_email": email}),
    )


def test_without_consultation_the_bot_offers_booking(services):
    text, messages, events = lookup("draft", "GC-B-22222", "anna@example.org")
    assert "Beratungsgespräch mit dem Projektträger verpflichtend" in text
    assert [b["payload"] for m in messages for b in m["buttons"]] == ["/book_consultation"]
    assert slots_of(events)["lookup_result"] == "not_found"


def test_pending_consultation_is_explained(services):
    bookings, _ = services
    booking = consultation(bookings, held=False)
    text, _, events = lookup("draft", booking.reference, booking.email)
    assert "noch nicht durchgeführt" in text and "Donnerstag, 3. Dezember 2026" in text


def test_draft_is_created_then_resumed_with_its_values(services):
    bookings, drafts = services
    booking = consultation(bookings)
    text, _, events = lookup("draft", booking.reference, booking.email)
    reference = slots_of(events)["draft_reference"]
    assert f"Antragsentwurf {reference} ist angelegt" in text and "VDI/VDE-IT" in text
    assert slots_of(events)["lookup_result"] == "draft_ready"
    drafts.save_fields(reference, {"website": "https://cluster-nord.de"})
    text, _, events = lookup("draft", booking.reference, booking.email)
    assert "Willkommen zurück" in text and slots_of(events)["d_website"] == "https://cluster-nord.de"


@pytest.fixture
def open_draft(services):
    bookings, drafts = services
    booking = consultation(bookings)
    return drafts.open(booking.reference, booking.email).reference


def validate(field, text, draft, slots=None, intent="nlu_fallback"):
    values = {"draft_reference": draft, **(slots or {})}
    return run(applications.ValidateDraftForm(), tracker(text, intent, values, requested=f"d_{field}"))


@pytest.mark.parametrize(
    "field, text, stored",
    [
        ("federal_state", "wir sitzen in NRW", "Nordrhein-Westfalen"),
        ("federal_state", "Meck-Pomm", "Mecklenburg-Vorpommern"),
        ("legal_form", "eingetragener Verein", "e. V."),
        ("actors_total", "120", 120),
        ("actors_total", "zweihundertfünfzig", 250),
        ("cluster_name", "Ja-Cluster Energie", "Ja-Cluster Energie"),
        ("founding_year", "gegründet 2012", 2012),
        ("website", "www.Cluster-Nord.de", "https://www.cluster-nord.de"),
        ("strategy_exists", "ja", "yes"),
        ("strategy_updated", "März 2024", "2024-03-01"),
    ],
)
def test_valid_fields_are_stored_immediately(services, open_draft, field, text, stored):
    _, drafts = services
    _, _, events = validate(field, text, open_draft)
    assert slots_of(events)[f"d_{field}"] == stored
    assert drafts.get(open_draft).fields[field] == stored


@pytest.mark.parametrize(
    "field, text, hint",
    [
        ("federal_state", "Atlantis", "Bundesland habe ich nicht erkannt"),
        ("actors_total", "ca. 120", "genaue Zahl"),
        ("founding_year", "2031", "in der Zukunft"),
        ("website", "anna@example.org", "Internetadresse"),
        ("strategy_exists", "vielleicht", "„Ja“ oder „Nein“"),
        ("cluster_name", "Ja", "„Ja“ oder „Nein“ passt hier nicht"),
        ("organisation", "Hallo", "Guten Tag!"),
        ("technology_field", "weiß ich nicht", "Antrag fortsetzen"),
        ("contact_person", "überspringen", "Befehl"),
        ("technology_field", "Was meinen Sie damit?", "nach einer Frage"),
    ],
)
def test_invalid_fields_get_hints_and_are_not_stored(services, open_draft, field, text, hint):
    _, drafts = services
    text_out, _, events = validate(field, text, open_draft)
    assert hint in text_out and slots_of(events)[f"d_{field}"] is None
    assert field not in drafts.get(open_draft).fields


def test_actor_numbers_must_add_up(services, open_draft):
    _, drafts = services
    counts = {"d_actors_total": 120, "d_actors_companies": 80}
    text, _, events = validate("actors_smes", "90", open_draft, counts)
    assert "nicht mehr KMU als Unternehmen" in text
    text, _, events = validate("actors_companies", "200", open_draft, {"d_actors_total": 120})
    assert "insgesamt waren aber 120" in text
    drafts.save_fields(
        open_draft, {"actors_total": 120, "actors_companies": 80, "actors_smes": 60, "actors_research": 20}
    )
    text, _, events = validate(
        "actors_other", "5", open_draft, {**counts, "d_actors_smes": 60, "d_actors_research": 20}
    )
    assert "ergeben zusammen 105" in text
    assert all(slots_of(events)[f"d_{f}"] is None for f in BREAKDOWN)
    assert set(drafts.get(open_draft).fields) == {"actors_total"}  # the breakdown is asked again
    _, _, events = validate("actors_other", "20", open_draft, {**counts, "d_actors_smes": 60, "d_actors_research": 20})
    assert slots_of(events)["d_actors_other"] == 20


def test_strategy_date_is_asked_only_with_a_strategy(services, open_draft):
    form = applications.ValidateDraftForm()
    slots = DOMAIN["forms"]["draft_form"]["required_slots"]
    without = asyncio.run(
        form.required_slots(
            slots, None, tracker(slots={"draft_reference": open_draft, "d_strategy_exists": "no"}), DOMAIN
        )
    )
    with_ = asyncio.run(
        form.required_slots(
            slots, None, tracker(slots={"draft_reference": open_draft, "d_strategy_exists": "yes"}), DOMAIN
        )
    )
    assert "d_strategy_updated" not in without and "d_strategy_updated" in with_


def test_question_while_filling_the_draft(services, open_draft, knowledge):
    text, _, events = validate("actors_total", "Was sind KMU?", open_draft, intent="ask_glossary")
    assert knowledge.terms["kmu"].definition in text and slots_of(events)["d_actors_total"] is None


def test_summary_and_checklist(services, open_draft):
    _, drafts = services
    drafts.save_fields(open_draft, {"cluster_name": "Cluster Nord", "strategy_exists": "no", "website": ""})
    text, messages, _ = run(applications.ActionDraftSummary(), tracker(slots={"draft_reference": open_draft}))
    assert f"Ihr Antragsentwurf {open_draft} (Status: Entwurf)" in text
    assert "• Name des Clusters: Cluster Nord" in text and "• Website: keine" in text
    assert "Noch offen:" in text and "• Bundesland" in text
    assert "Aktuelles Strategiedokument" in text and "Übersicht der Clusterakteure" in text
    assert "schriftlich und elektronisch bei der VDI/VDE Innovation + Technik GmbH" in text
    assert messages[0]["buttons"][0]["payload"] == "/change_draft_field"


def test_change_a_single_field(services, open_draft):
    _, drafts = services
    drafts.save_fields(open_draft, {"website": "https://alt.de", "cluster_name": "Nord"})
    state = {"draft_reference": open_draft, "d_website": "https://alt.de", "d_cluster_name": "Nord"}
    text, messages, events = run(
        applications.ActionChangeDraftField(), tracker("/change_draft_field", "change_draft_field", state)
    )
    assert "Welche Angabe" in text and '/change_draft_field{"draft_field":"website"}' in [
        b["payload"] for m in messages for b in m["buttons"]
    ]
    _, _, events = run(
        applications.ActionChangeDraftField(),
        tracker(
            '/change_draft_field{"draft_field":"website"}',
            "change_draft_field",
            state,
            entities=[{"entity": "draft_field", "value": "website"}],
        ),
    )
    assert slots_of(events)["d_website"] is None
    assert {"event": "active_loop", "timestamp": None, "name": "draft_form"} in events
    assert drafts.get(open_draft).fields == {"cluster_name": "Nord"}


def test_status_question_without_draft(services):
    bookings, _ = services
    booking = consultation(bookings)
    text, messages, _ = lookup("draft_status", booking.reference, booking.email)
    assert "noch keinen Antragsentwurf" in text and messages[0]["buttons"][0]["payload"] == "/create_draft"


def test_domain_slots_match_the_content():
    schema = load_schema()
    assert DOMAIN["forms"]["draft_form"]["required_slots"] == [f.slot for f in schema.fields]
    for spec in schema.fields:
        assert f"action_ask_{spec.slot}" in DOMAIN["actions"], spec.slot
        assert DOMAIN["slots"][spec.slot]["mappings"][0]["conditions"][0]["active_loop"] == "draft_form"


def test_staff_export_csv_and_json(services, open_draft):
    _, drafts = services
    drafts.save_fields(open_draft, {"cluster_name": "Cluster Nord", "actors_total": 120})
    out = io.StringIO()
    assert write_csv(drafts.list(), out) == 1
    header, row = out.getvalue().strip().split("\r\n")
    assert header.startswith("reference,status,status_label,booking_reference") and "cluster_name" in header
    assert row.startswith(f"{open_draft},draft,Entwurf,") and "Cluster Nord" in row
    out = io.StringIO()
    assert write_json(drafts.list(), out) == 1
    exported = json.loads(out.getvalue())[0]
    assert exported["actors_total"] == 120
    assert (exported["status"], exported["status_label"]) == ("draft", "Entwurf")


def test_values_loaded_from_the_draft_are_not_validated_again(services, open_draft):
    """Resume: the saved 0 actors and "no website" stay; only the asked field is validated."""
    event = user_event("", "nlu_fallback")
    loaded = [
        {"event": "slot", "name": "d_actors_other", "value": 0},
        {"event": "slot", "name": "d_website", "value": ""},
    ]
    tracker_ = Tracker(
        "u1",
        {"draft_reference": open_draft, "d_actors_other": 0, "d_website": ""},
        event["parse_data"],
        [event, *loaded],
        False,
        None,
        {},
        "action_listen",
    )
    text, _, events = run(applications.ValidateDraftForm(), tracker_)
    assert text == ""
    assert slots_of(events)["d_actors_other"] == 0 and slots_of(events)["d_website"] == ""


def test_a_button_of_another_feature_is_not_taken_as_an_answer(services, open_draft):
    payload = '/change_draft_field{"draft_field":"website"}'
    _, _, events = validate("cluster_name", payload, open_draft, intent="change_draft_field")
    assert events == [
        {
            "event": "action_execution_rejected",
            "timestamp": None,
            "name": "draft_form",
            "policy": None,
            "confidence": None,
        }
    ]
    _, drafts = services
    assert "cluster_name" not in drafts.get(open_draft).fields


def test_the_second_failed_answer_shows_the_fields_example_and_ways_out(services, open_draft):
    failures = {"form_failures": {"slot": "d_actors_total", "count": 1}}
    text, messages, events = validate("actors_total", "ganz viele", open_draft, failures)
    assert "Ein Beispiel: „120“ oder „hundertzwanzig“" in text
    titles = [b["title"] for m in messages for b in (m.get("buttons") or [])]
    assert titles == ["Mit einer Person sprechen", "Abbrechen"]
    assert slots_of(events)["form_failures"] == {"slot": "d_actors_total", "count": 2}


# --- a draft for the organisation exists already ---------------------------------------------
def two_drafts(bookings, drafts, second_email):
    first = drafts.open(*(lambda b: (b.reference, b.email))(consultation(bookings, email="anna@example.org", hour=10)))
    drafts.save_fields(first.reference, {"organisation": "Cluster Nord e. V.", "founding_year": 2012})
    second = drafts.open(*(lambda b: (b.reference, b.email))(consultation(bookings, email=second_email, hour=11)))
    drafts.save_fields(second.reference, {"cluster_name": "Cluster Nord"})
    return first.reference, second.reference


def test_the_same_persons_draft_for_the_organisation_is_offered_and_continued(services):
    bookings, drafts = services
    first, second = two_drafts(bookings, drafts, "Anna@Example.org")
    text, messages, events = validate("organisation", "cluster nord e.V.", second)
    assert first in text and "fortsetzen" in text
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]
    assert slots_of(events)["d_organisation"] is None and slots_of(events)["draft_existing"] == first

    text, _, events = validate("organisation", "ja", second, {"draft_existing": first}, intent="affirm")
    slots = slots_of(events)
    assert f"Antragsentwurf {first} fort" in text
    assert slots["draft_reference"] == first and slots["draft_existing"] is None
    # Both drafts' answers are kept, and the form goes on with what is still missing.
    assert slots["d_organisation"] == "Cluster Nord e. V." and slots["d_cluster_name"] == "Cluster Nord"
    assert drafts.get(first).fields == {
        "organisation": "Cluster Nord e. V.",
        "founding_year": 2012,
        "cluster_name": "Cluster Nord",
    }
    assert slots["requested_slot"] == "d_legal_form"
    with pytest.raises(DraftNotFound):
        drafts.get(second)  # the duplicate is gone


def test_declining_the_own_draft_asks_for_the_organisation_once_more(services):
    bookings, drafts = services
    first, second = two_drafts(bookings, drafts, "anna@example.org")
    text, _, events = validate("organisation", "nein", second, {"draft_existing": first}, intent="deny")
    assert "Namen der Organisation" in text
    assert slots_of(events)["d_organisation"] is None and slots_of(events)["draft_existing"] is None
    assert drafts.get(second).fields == {"cluster_name": "Cluster Nord"}


def test_another_persons_draft_is_explained_with_the_hotline_and_never_named(services):
    bookings, drafts = services
    first, second = two_drafts(bookings, drafts, "bernd@example.org")
    text, messages, events = validate("organisation", "Cluster Nord e. V.", second)
    assert "bereits einen Antragsentwurf" in text and "+49 30 310078-387" in text
    assert first not in text and "draft_existing" not in slots_of(events)
    assert slots_of(events)["form_failures"] == {"slot": "d_organisation", "count": 1}
    # Asked again with the same name: the help with ways out instead of the same loop.
    text, messages, _ = validate("organisation", "Cluster Nord e. V.", second, slots_of(events))
    titles = [b["title"] for m in messages for b in (m.get("buttons") or [])]
    assert titles == ["Mit einer Person sprechen", "Abbrechen"]
    with pytest.raises(DraftNotFound):
        drafts.take_over(second, first)  # no taking over another person's draft
