"""Booking actions and form validation with real rasa-sdk trackers and a real database."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.booking as booking_actions
from bot.booking.dialogue import wish_from_dict
from bot.booking.service import BookingRequest
from bot.config import PROJECT_ROOT
from bot.storage.db import StorageUnavailable
from tests.conftest import slots_of, user_event

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=BERLIN)  # a Saturday
THURSDAY_10 = datetime(2026, 12, 3, 10, 0, tzinfo=BERLIN)
DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text("utf-8"))


@pytest.fixture
def service(database_url, monkeypatch, make_services):
    monkeypatch.setattr(booking_actions, "now", lambda: NOW)
    return make_services(database_url, clock=lambda: NOW).bookings


def form_tracker(slot, value, intent="nlu_fallback", slots=None, entities=None) -> Tracker:
    """The tracker a form validation action gets: the user message, then the slot candidate."""
    values = {"requested_slot": slot, **(slots or {}), slot: value}
    events = [user_event(str(value), intent, entities=entities), {"event": "slot", "name": slot, "value": value}]
    return Tracker(
        "u1", values, events[0]["parse_data"], events, False, None, {"name": "consultation_form"}, "action_listen"
    )


def plain_tracker(slots=None, text="ja", intent="affirm") -> Tracker:
    event = user_event(text, intent)
    return Tracker("u1", slots or {}, event["parse_data"], [event], False, None, {}, "action_listen")


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages, events


def texts(messages):
    return "\n".join(m.get("text") or "" for m in messages)


def validate(slot, value, **kwargs):
    return run(booking_actions.ValidateConsultationForm(), form_tracker(slot, value, **kwargs))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Video", "video"),
        ("per Telefon bitte", "telefon"),
        ("lieber online über Teams", "video"),
        ("telefonisch", "telefon"),
    ],
)
def test_format_is_understood(service, text, expected):
    _, events = validate("consultation_format", text)
    assert slots_of(events)["consultation_format"] == expected


def test_unknown_format_gets_a_hint(service):
    messages, events = validate("consultation_format", "per Fax")
    assert "Telefon" in texts(messages) and "Video" in texts(messages)
    assert slots_of(events)["consultation_format"] is None


def test_preferred_time_offers_three_slots_near_the_wish(service):
    messages, events = validate("preferred_time", "nächsten Donnerstag um 10")
    offer = slots_of(events)["slot_offer"]
    assert offer["matches"] is True
    assert [datetime.fromisoformat(s).hour for s in offer["slots"]] == [9, 10, 11]
    assert slots_of(events)["time_wish"]["exact"] == "10:00"
    assert messages == []  # the offer is shown by the slot prompt


@pytest.mark.parametrize(
    "text, hint",
    [
        ("gestern", "liegt in der Vergangenheit"),
        ("am 31.02.", "kein gültiges Datum"),
        ("irgendwann mal", "nicht als Datum oder Uhrzeit verstanden"),
    ],
)
def test_impossible_times_get_specific_hints(service, text, hint):
    messages, events = validate("preferred_time", text)
    assert hint in texts(messages)
    assert slots_of(events)["preferred_time"] is None


def test_sunday_wish_explains_and_offers_working_days(service):
    _, events = validate("preferred_time", "am Sonntag")
    offer = slots_of(events)["slot_offer"]
    assert offer["matches"] is False and offer["reason"] == "weekend"
    messages, _ = run(booking_actions.ActionAskConsultationSlot(), plain_tracker({"slot_offer": offer}))
    assert "am Wochenende finden keine Beratungen statt" in texts(messages)
    assert len(messages[0]["buttons"]) == 3
    assert messages[0]["buttons"][0]["title"] == "Montag, 30. November 2026, 09:00 Uhr"


@pytest.mark.parametrize(
    "wish, reason, explained",
    [
        ("nächsten Donnerstag um 18 Uhr", "outside_hours", "montags bis freitags von 9 bis 12 und von 13 bis 16 Uhr"),
        ("nächsten Donnerstag abends", "outside_hours", "montags bis freitags von 9 bis 12 und von 13 bis 16 Uhr"),
        ("nächsten Donnerstag um 10:30", "not_a_slot", "um 9, 10, 11, 13, 14 und 15 Uhr"),
    ],
)
def test_a_declined_wish_is_explained_with_the_office_hours(service, wish, reason, explained):
    _, events = validate("preferred_time", wish)
    offer = slots_of(events)["slot_offer"]
    assert offer["matches"] is False and offer["reason"] == reason
    messages, _ = run(booking_actions.ActionAskConsultationSlot(), plain_tracker({"slot_offer": offer}))
    assert explained in texts(messages)
    assert "vergeben" not in texts(messages)
    assert len(messages[0]["buttons"]) == 3


def offer_for(service, text="nächsten Donnerstag um 10"):
    _, events = validate("preferred_time", text)
    return slots_of(events)


@pytest.mark.parametrize(
    "choice, hour",
    [
        ("den zweiten", 10),
        ("1", 9),
        ("der letzte bitte", 11),
        ("2026-12-03T11:00:00+01:00", 11),
        ("Donnerstag, 3. Dezember 2026, 09:00 Uhr", 9),
    ],
)
def test_slot_choice(service, choice, hour):
    offered = offer_for(service)
    _, events = validate("consultation_slot", choice, slots=offered)
    assert datetime.fromisoformat(slots_of(events)["consultation_slot"]).hour == hour


def test_correction_while_choosing_offers_new_slots(service):
    offered = offer_for(service, "nächste Woche vormittags")
    _, events = validate("consultation_slot", "lieber Mittwoch", slots=offered)
    new = slots_of(events)
    assert new["consultation_slot"] is None
    assert all(datetime.fromisoformat(s).weekday() == 2 for s in new["slot_offer"]["slots"])


def test_a_chosen_slot_is_held_for_the_chooser(service):
    offered = offer_for(service)
    _, events = validate("consultation_slot", "den zweiten", slots=offered)
    chosen = datetime.fromisoformat(slots_of(events)["consultation_slot"])
    wish = wish_from_dict(offered["time_wish"])
    assert chosen not in service.propose(wish, holder="someone-else").slots  # not offered to others
    assert chosen in service.propose(wish, holder="u1").slots


def test_a_slot_chosen_by_someone_else_a_moment_ago_gets_fresh_slots(service):
    offered = offer_for(service)
    taken = datetime.fromisoformat(offered["slot_offer"]["slots"][1])
    service.hold(taken, "someone-else")  # chose it between our offer and our choice
    messages, events = validate("consultation_slot", "den zweiten", slots=offered)
    assert "nicht mehr frei" in texts(messages)
    new = slots_of(events)
    assert new["consultation_slot"] is None and len(new["slot_offer"]["slots"]) == 3
    assert taken.isoformat() not in new["slot_offer"]["slots"]
    assert "form_failures" not in new  # a fresh offer is no failed answer


def test_declining_consent_gives_the_held_slot_back(service):
    offered = offer_for(service)
    _, events = validate("consultation_slot", "den ersten", slots=offered)
    chosen = slots_of(events)["consultation_slot"]
    run(
        booking_actions.ActionFinishConsultationForm(),
        plain_tracker({**FILLED, "consultation_slot": chosen, "consent": False}),
    )
    assert datetime.fromisoformat(chosen) in service.propose(wish_from_dict(offered["time_wish"]), holder="x").slots


def test_naming_a_free_time_while_choosing_takes_it(service):
    offered = offer_for(service, "nächsten Donnerstag")
    _, events = validate("consultation_slot", "um 14 Uhr", slots=offered)
    assert slots_of(events)["consultation_slot"] == datetime(2026, 12, 3, 14, tzinfo=BERLIN).isoformat()


@pytest.mark.parametrize(
    "text, intent, consent",
    [
        ("ja", "affirm", True),
        ("Ja, einverstanden", "nlu_fallback", True),
        ("nein", "deny", False),
        ("lieber nicht", "nlu_fallback", False),
    ],
)
def test_consent(service, text, intent, consent):
    _, events = validate("consent", text, intent=intent)
    assert slots_of(events)["consent"] is consent
    if consent is False:  # the form ends: no more questions, nothing stored
        assert slots_of(events)["requested_slot"] is None


def test_unclear_consent_is_asked_again(service):
    messages, events = validate("consent", "vielleicht später", intent="nlu_fallback")
    assert "„Ja“ oder „Nein“" in texts(messages) and slots_of(events)["consent"] is None


@pytest.mark.parametrize(
    "slot, value, expected",
    [
        ("email", "Anna.Muster@Cluster.EXAMPLE", "anna.muster@cluster.example"),
        ("email", "meine Mail ist anna@example.org", "anna@example.org"),
        ("phone", "+49 (30) 123 456-78", "+493012345678"),
        ("phone", "0049 30 1234567", "+49301234567"),
        ("person_name", "  Dr. Anna   Muster ", "Dr. Anna Muster"),
        ("organisation", "Cluster Nord e.V.", "Cluster Nord e.V."),
        ("organisation", "Ja-Cluster Energie GmbH", "Ja-Cluster Energie GmbH"),
        ("cluster_name", "Fragebogen", "Fragebogen"),
    ],
)
def test_valid_answers_are_normalised(service, slot, value, expected):
    _, events = validate(slot, value, slots={"consultation_format": "telefon"})
    assert slots_of(events)[slot] == expected


@pytest.mark.parametrize(
    "slot, value, hint",
    [
        ("email", "anna@", "keine gültige E-Mail-Adresse"),
        ("email", "anna at example dot org", "keine gültige E-Mail-Adresse"),
        ("email", "<script>alert(1)</script>", "keine gültige E-Mail-Adresse"),
        ("phone", "0301", "zu kurz"),
        ("phone", "ruf mich an", "keine gültige Telefonnummer"),
        ("phone", "1" * 25, "zu lang"),
        ("person_name", "!", "Namen"),
        ("cluster_name", "x" * 300, "zu lang"),
        # only a yes/no word, a greeting, "weiß nicht", a command or a question is no name
        ("person_name", "Ja", "Namen"),
        ("person_name", "Hallo!", "Namen"),
        ("organisation", "keine Ahnung", "Organisation"),
        ("cluster_name", "Wie heißt das?", "Clusters"),
        ("cluster_name", "zurück", "Clusters"),
    ],
)
def test_invalid_answers_get_specific_hints(service, slot, value, hint):
    messages, events = validate(slot, value, slots={"consultation_format": "telefon"})
    assert hint in texts(messages)
    assert slots_of(events)[slot] is None


def buttons_of(messages):
    return [b for m in messages for b in (m.get("buttons") or [])]


def test_the_second_failed_answer_gets_help_and_ways_out(service):
    messages, events = validate("email", "kaputt")
    assert "name@beispiel.de" in texts(messages) and buttons_of(messages) == []
    assert slots_of(events)["form_failures"] == {"slot": "email", "count": 1}

    messages, events = validate("email", "immer noch kaputt", slots={"form_failures": {"slot": "email", "count": 1}})
    assert "weiter. Ein Beispiel: „anna.schmidt@cluster-nord.de“. Sie können" in texts(messages)
    assert [b["title"] for b in buttons_of(messages)] == ["Mit einer Person sprechen", "Abbrechen"]
    assert {"title": "Abbrechen", "payload": "/stop"} in buttons_of(messages)
    assert slots_of(events)["form_failures"] == {"slot": "email", "count": 2}


def test_failures_count_per_question_and_a_good_answer_ends_the_count(service):
    # A failure at another question starts again at one: no help yet.
    messages, events = validate("email", "kaputt", slots={"form_failures": {"slot": "person_name", "count": 1}})
    assert buttons_of(messages) == [] and slots_of(events)["form_failures"] == {"slot": "email", "count": 1}
    _, events = validate("email", "anna@example.org", slots={"form_failures": {"slot": "email", "count": 2}})
    assert slots_of(events)["email"] == "anna@example.org" and slots_of(events)["form_failures"] is None


def test_question_in_the_middle_is_answered_and_the_slot_asked_again(service, knowledge):
    earlier = {
        "consultation_format": "video",
        "preferred_time": "morgen",
        "consultation_slot": THURSDAY_10.isoformat(),
        "consent": True,
        "person_name": "Anna Muster",
    }
    messages, events = validate("organisation", "Was ist ESCA?", intent="ask_glossary", slots=earlier)
    assert knowledge.terms["esca"].definition in texts(messages)
    assert slots_of(events) == {"organisation": None, "requested_slot": "organisation"}


@pytest.mark.parametrize(
    "slot, text",
    [
        ("organisation", "Cluster Automotive e.V."),
        ("email", "info@cluster-nord.de"),
        ("preferred_time", "ESCA-Termin am 3.12."),
    ],
)
def test_answer_that_merely_contains_a_term_is_taken_as_answer(service, slot, text):
    _, events = validate(slot, text, intent="ask_glossary")
    assert slots_of(events).get(slot) is not None


def test_faq_question_while_choosing_format(service, knowledge):
    messages, events = validate("consultation_format", "wie lange dauert die aufnahme", intent="faq_dauer_aufnahme")
    assert knowledge.faq["dauer_aufnahme"].answer in texts(messages)
    assert slots_of(events) == {"consultation_format": None, "requested_slot": "consultation_format"}


def test_phone_is_required_only_for_phone_consultations(service):
    form = booking_actions.ValidateConsultationForm()
    domain_slots = DOMAIN["forms"]["consultation_form"]["required_slots"]
    video = asyncio.run(
        form.required_slots(domain_slots, None, plain_tracker({"consultation_format": "video"}), DOMAIN)
    )
    phone = asyncio.run(
        form.required_slots(domain_slots, None, plain_tracker({"consultation_format": "telefon"}), DOMAIN)
    )
    declined = asyncio.run(form.required_slots(domain_slots, None, plain_tracker({"consent": False}), DOMAIN))
    assert "phone" not in video and "phone" in phone and declined == []


def test_database_down_while_offering(service, monkeypatch):
    def down(*_args, **_kwargs):
        raise StorageUnavailable("down")

    monkeypatch.setattr(service, "propose", down)
    messages, events = validate("preferred_time", "morgen")
    assert "freien Termine kann ich gerade nicht abrufen" in texts(messages) and "+49 30 310078-387" in texts(messages)
    assert slots_of(events)["requested_slot"] is None and slots_of(events)["booking_unavailable"] is True


FILLED = {
    "consultation_format": "video",
    "consultation_slot": THURSDAY_10.isoformat(),
    "consent": True,
    "person_name": "Anna Muster",
    "organisation": "Cluster GmbH",
    "cluster_name": "Cluster Nord",
    "email": "anna@example.org",
    "time_wish": {"first_day": "2026-12-03", "last_day": "2026-12-03", "exact": "10:00"},
}


def test_summary_then_booking(service):
    messages, events = run(booking_actions.ActionFinishConsultationForm(), plain_tracker(FILLED))
    assert "Donnerstag, 3. Dezember 2026, 10:00 Uhr" in texts(messages) and "anna@example.org" in texts(messages)
    assert slots_of(events) == {"booking_ready": True}
    messages, events = run(booking_actions.ActionConfirmBooking(), plain_tracker(FILLED))
    text = texts(messages)
    reference = text.split("Buchungsnummer lautet ")[1][:10]
    assert service.find(reference, "anna@example.org").slot_start == THURSDAY_10
    assert f"/termin/{reference}.ics?sig=" in text
    assert all(value is None for value in slots_of(events).values())  # nothing personal kept in the chat


def test_declined_consent_stores_nothing(service):
    messages, events = run(booking_actions.ActionFinishConsultationForm(), plain_tracker({**FILLED, "consent": False}))
    assert "ich speichere nichts" in texts(messages)
    assert service.bookings_between(THURSDAY_10.date(), THURSDAY_10.date()) == []


def test_slot_taken_meanwhile_goes_back_to_the_choice(service):
    service.book(BookingRequest(THURSDAY_10, "video", "B", "Org", "Cl", "b@example.org", None, NOW))
    messages, events = run(booking_actions.ActionConfirmBooking(), plain_tracker(FILLED))
    assert "nicht mehr frei" in texts(messages)
    assert {"event": "active_loop", "timestamp": None, "name": "consultation_form"} in events
    new_offer = slots_of(events)["slot_offer"]
    assert THURSDAY_10.isoformat() not in new_offer["slots"] and len(new_offer["slots"]) == 3
    assert slots_of(events)["requested_slot"] == "consultation_slot"


def existing(service, email="anna@example.org"):
    return service.book(
        BookingRequest(THURSDAY_10, "video", "Anna Muster", "Cluster GmbH", "Cluster Nord", email, None, NOW)
    )


def lookup(purpose, reference, email="anna@example.org"):
    return run(
        booking_actions.ActionHandleBookingLookup(),
        plain_tracker({"lookup_purpose": purpose, "booking_reference": reference, "lookup_email": email}),
    )


def test_show_booking_needs_both_reference_and_email(service):
    booking = existing(service)
    messages, events = lookup("show", booking.reference)
    assert booking.reference in texts(messages) and "Donnerstag, 3. Dezember 2026" in texts(messages)
    messages, events = lookup("show", booking.reference, "mallory@example.org")
    assert "keinen Termin gefunden" in texts(messages)
    assert "Donnerstag" not in texts(messages) and "Anna" not in texts(messages)
    assert slots_of(events)["lookup_result"] == "not_found"


def test_cancel_flow(service):
    booking = existing(service)
    messages, events = lookup("cancel", booking.reference)
    assert "wirklich absagen" in texts(messages) and slots_of(events)["lookup_result"] == "found"
    messages, _ = run(
        booking_actions.ActionCancelBooking(),
        plain_tracker({"booking_reference": booking.reference, "lookup_email": booking.email}),
    )
    assert "ist abgesagt" in texts(messages)
    assert service.find(booking.reference, booking.email).status == "cancelled"


def test_reschedule_flow(service):
    booking = existing(service)
    messages, events = lookup("reschedule", booking.reference)
    assert "Ihr aktueller Termin: Donnerstag, 3. Dezember 2026, 10:00 Uhr" in texts(messages)
    new_slot = THURSDAY_10 + timedelta(days=1)
    state = {
        "booking_reference": booking.reference,
        "lookup_email": booking.email,
        "current_slot": THURSDAY_10.isoformat(),
        "consultation_slot": new_slot.isoformat(),
    }
    messages, _ = run(booking_actions.ActionRescheduleSummary(), plain_tracker(state))
    assert "auf Freitag, 4. Dezember 2026, 10:00 Uhr verschieben" in texts(messages)
    messages, _ = run(booking_actions.ActionRescheduleBooking(), plain_tracker(state))
    assert "Ihr Termin ist jetzt am Freitag, 4. Dezember 2026, 10:00 Uhr" in texts(messages)
    assert service.find(booking.reference, booking.email).slot_start == new_slot


@pytest.mark.parametrize("reference, ok", [("gc-b-7k3q9", True), ("GC-B-0000", False), ("weiß ich nicht", False)])
def test_reference_validation(service, reference, ok):
    _, events = run(booking_actions.ValidateBookingLookupForm(), form_tracker("booking_reference", reference))
    stored = slots_of(events)["booking_reference"]
    assert (stored == "GC-B-7K3Q9") if ok else stored is None


def starting_tracker(text, intent, form, slots=None, earlier=()) -> Tracker:
    """The first run of a form, right after the message that started it."""
    events = [*earlier, user_event(text, intent)]
    return Tracker(
        "u1", dict(slots or {}), events[-1]["parse_data"], events, False, None, {"name": form}, "action_listen"
    )


@pytest.mark.parametrize(
    "text, offered_day",
    [
        ("Haben Sie nächste Woche einen Beratungstermin frei?", "Montag, 30. November 2026"),
        ("Ich möchte am Donnerstag, 3.12., einen Beratungstermin", "Donnerstag, 3. Dezember 2026"),
    ],
)
def test_a_wish_given_with_the_request_is_used_not_asked_again(service, text, offered_day):
    _, events = run(
        booking_actions.ValidateConsultationForm(), starting_tracker(text, "book_consultation", "consultation_form")
    )
    slots = slots_of(events)
    assert slots["preferred_time"] == text and slots["slot_offer"]["matches"] is True
    assert slots["requested_slot"] == "consultation_format"  # the format first, then the offer
    messages, _ = run(booking_actions.ActionAskConsultationSlot(), plain_tracker({"slot_offer": slots["slot_offer"]}))
    assert offered_day in messages[0]["buttons"][0]["title"]


def test_a_request_without_a_wish_asks_for_it(service):
    _, events = run(
        booking_actions.ValidateConsultationForm(),
        starting_tracker("Ich möchte einen Beratungstermin vereinbaren", "book_consultation", "consultation_form"),
    )
    assert "preferred_time" not in slots_of(events)


def test_a_reschedule_wish_given_before_the_identification_is_used(service):
    earlier = [
        user_event("Können wir den Termin auf nächsten Donnerstag verschieben?", "reschedule_booking"),
        user_event("anna@example.org", "nlu_fallback"),
    ]
    tracker = Tracker(
        "u1", {}, earlier[-1]["parse_data"], earlier, False, None, {"name": "reschedule_form"}, "action_listen"
    )
    _, events = run(booking_actions.ValidateRescheduleForm(), tracker)
    offer = slots_of(events)["slot_offer"]
    assert all(datetime.fromisoformat(s).date() == THURSDAY_10.date() for s in offer["slots"])


@pytest.mark.parametrize(
    "slot, answer, hint",
    [
        ("person_name", "Ja", "„Ja“ oder „Nein“ passt hier nicht. Bitte nennen Sie Ihren Namen"),
        ("organisation", "Hallo", "Guten Tag! Bitte nennen Sie den Namen Ihrer Clustermanagement-Organisation"),
        ("cluster_name", "weiß ich nicht", "Ohne diese Angabe kann ich leider nicht weitermachen"),
        ("person_name", "Wie bitte?", "Das klingt nach einer Frage"),
        ("person_name", "x", "mindestens zwei Buchstaben"),
    ],
)
def test_a_name_that_is_something_else_says_what_it_was(service, slot, answer, hint):
    messages, events = validate(slot, answer)
    assert hint in texts(messages) and slots_of(events)[slot] is None
