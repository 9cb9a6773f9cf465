"""Consultation booking: form validation, prompts, confirmation, lookup, reschedule, cancel.

Thin adapters: rules live in bot.booking (calendar, service), texts in content/messages.yml.
Database calls run in a worker thread so the action server keeps serving other users.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import slots
from actions.common import fault, requester, send, services
from actions.forms import QuestionAwareForm, free_text_hint, in_thread, intent_of, now, prompt_action, reset
from bot import language, validation
from bot.booking.calendar import Proposal
from bot.booking.dialogue import (
    BookingDialogue,
    choose_slot,
    offer_to_dict,
    parse_format,
    wish_from_dict,
    wish_to_dict,
)
from bot.booking.reference import normalise_reference
from bot.booking.service import REFERENCE_PREFIX, BookingError, BookingNotFound, BookingRequest, SlotUnavailable
from bot.dates import TimeWish, parse_time_wish
from bot.ratelimit import RateLimited
from bot.storage.db import StorageUnavailable

logger = logging.getLogger(__name__)

_dialogue: Optional[BookingDialogue] = None


def dialogue() -> BookingDialogue:
    global _dialogue
    current = services()
    if _dialogue is None or _dialogue.config is not current.calendar or _dialogue.labels is not current.labels:
        _dialogue = BookingDialogue(
            current.messages,
            current.calendar,
            current.settings.public_url,
            current.settings.privacy_url,
            current.labels,
        )
    return _dialogue


ActionAskTime = prompt_action("preferred_time", "booking_ask_time")
ActionAskName = prompt_action("person_name", "booking_ask_name")
ActionAskOrganisation = prompt_action("organisation", "booking_ask_organisation")
ActionAskCluster = prompt_action("cluster_name", "booking_ask_cluster")
ActionAskEmail = prompt_action("email", "booking_ask_email")
ActionAskPhone = prompt_action("phone", "booking_ask_phone")
ActionAskReference = prompt_action("booking_reference", "lookup_ask_reference")
ActionAskLookupEmail = prompt_action("lookup_email", "lookup_ask_email")


class ActionAskConsultationSlot(Action):
    def name(self) -> Text:
        return "action_ask_consultation_slot"

    async def run(self, dispatcher, tracker, domain):
        send(dispatcher, dialogue().offer(tracker.get_slot("slot_offer") or {}))
        return []


class ActionAskFormat(Action):
    def name(self) -> Text:
        return "action_ask_consultation_format"

    async def run(self, dispatcher, tracker, domain):
        send(dispatcher, [dialogue().format_question()])
        return []


class ActionAskConsent(Action):
    def name(self) -> Text:
        return "action_ask_consent"

    async def run(self, dispatcher, tracker, domain):
        send(dispatcher, [dialogue().consent_question()])
        return []


async def fresh_proposal(wish: TimeWish, dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[Proposal]:
    """Free slots for the wish (the slot this conversation holds counts as free); None after telling
    the user that the free slots cannot be read just now."""
    try:
        return await in_thread(services().consultations.propose, wish, requester(tracker))
    except StorageUnavailable:
        send(dispatcher, [fault("booking_slots")])
        return None


# --- form validation --------------------------------------------------------------------------
# The form ends without storing anything when the free slots cannot be read.
UNAVAILABLE: Dict[Text, Any] = {"booking_unavailable": True, "requested_slot": None}
# The intent that starts each form with a time choice, whose message may already hold a wish.
START_INTENTS = {"consultation_form": "book_consultation", "reschedule_form": "reschedule_booking"}


class TimeChoiceMixin:
    """Preferred time and slot choice, shared by booking and rescheduling."""

    async def _offer_for(
        self, text: str, dispatcher: CollectingDispatcher, tracker: Tracker, pick_exact: bool = False
    ) -> Dict[Text, Any]:
        previous = wish_from_dict(tracker.get_slot("time_wish"))
        result = parse_time_wish(
            text, now().astimezone(dialogue().config.tz), previous, horizon_days=dialogue().config.horizon_days
        )
        if result.wish is None:
            send(dispatcher, [dialogue().time_problem(result)])
            return self.failed("preferred_time", tracker, dispatcher)
        proposal = await fresh_proposal(result.wish, dispatcher, tracker)
        if proposal is None:
            return dict(UNAVAILABLE)
        offer = offer_to_dict(result.wish, proposal)
        exact = exact_slot(result.wish, dialogue().config)
        wish_slots = {"preferred_time": text, "time_wish": wish_to_dict(result.wish)}
        # While choosing, "14 Uhr" names one slot: take it if it is free (the summary follows).
        if pick_exact and exact and proposal.matches_wish and exact in proposal.slots:
            return {**wish_slots, **await self._hold(exact, result.wish, dispatcher, tracker)}
        return {**wish_slots, "slot_offer": offer, "consultation_slot": None}

    async def _hold(
        self, slot: datetime, wish: Optional[TimeWish], dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Dict[Text, Any]:
        """The chosen slot, kept for this conversation while it gives its details; when someone
        else took it a moment ago, say so and offer fresh slots for the same wish."""
        try:
            await in_thread(services().consultations.hold, slot, requester(tracker))
            return {"consultation_slot": slot.isoformat()}
        except SlotUnavailable:
            send(dispatcher, [dialogue().say("booking_slot_gone")])
        if wish is None:
            return {"consultation_slot": None}
        proposal = await fresh_proposal(wish, dispatcher, tracker)
        if proposal is None:
            return dict(UNAVAILABLE)
        return {"slot_offer": offer_to_dict(wish, proposal), "consultation_slot": None}

    async def extract_preferred_time(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        """A wish given with the request ("Haben Sie nächste Woche einen Termin frei?",
        "Termin auf Dienstag verschieben") is used, not asked again: at the form's first turn."""
        if tracker.get_slot("requested_slot") or tracker.get_slot("preferred_time"):
            return {}
        trigger = START_INTENTS.get((tracker.active_loop or {}).get("name") or "")
        text = next(
            (
                e.get("text") or ""
                for e in reversed(tracker.events)
                if e.get("event") == "user" and ((e.get("parse_data") or {}).get("intent") or {}).get("name") == trigger
            ),
            "",
        )
        if not text or text.startswith("/"):
            return {}
        result = parse_time_wish(
            text, now().astimezone(dialogue().config.tz), None, horizon_days=dialogue().config.horizon_days
        )
        return {"preferred_time": text} if result.wish is not None else {}

    async def validate_preferred_time(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return await self._offer_for(str(value or ""), dispatcher, tracker)

    async def validate_consultation_slot(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        text = str(value or "")
        chosen = choose_slot(text, tracker.get_slot("slot_offer"), dialogue().config)
        if chosen:
            return await self._hold(chosen, wish_from_dict(tracker.get_slot("time_wish")), dispatcher, tracker)
        # Anything else may be a new wish ("lieber Mittwoch"): offer slots for it instead.
        result = parse_time_wish(
            text,
            now().astimezone(dialogue().config.tz),
            wish_from_dict(tracker.get_slot("time_wish")),
            horizon_days=dialogue().config.horizon_days,
        )
        if result.wish is None and result.problem == "not_understood":
            send(dispatcher, [dialogue().say("booking_slot_not_understood")])
            return self.failed("consultation_slot", tracker, dispatcher)
        return await self._offer_for(text, dispatcher, tracker, pick_exact=True)

    @staticmethod
    def failed(slot: str, tracker: Tracker, dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
        """The same question again (QuestionAwareForm counts the failures and offers help)."""
        return {slot: None}


def exact_slot(wish, config) -> Optional[datetime]:
    """The one slot a wish names ("Montag um 14 Uhr"), if it names exactly one."""
    if wish.exact is None or wish.first_day != wish.last_day:
        return None
    return datetime.combine(wish.first_day, wish.exact, tzinfo=config.tz)


class ValidateConsultationForm(TimeChoiceMixin, QuestionAwareForm):
    def name(self) -> Text:
        return "validate_consultation_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> List[Text]:
        if tracker.get_slot("consent") is False or tracker.get_slot("booking_unavailable"):
            return []  # nothing more to ask: the form ends and nothing is stored
        slots = [s for s in domain_slots if s != "phone"]
        if tracker.get_slot("consultation_format") == "telefon":
            slots.append("phone")
        return slots

    def validate_consultation_format(self, value, dispatcher, tracker, domain):
        fmt = parse_format(str(value or ""))
        if fmt is None:
            send(dispatcher, [dialogue().say("booking_format_unknown")])
            return self.failed("consultation_format", tracker, dispatcher)
        return {"consultation_format": fmt}

    def validate_consent(self, value, dispatcher, tracker, domain):
        decision = {language.YES: True, language.NO: False}.get(
            language.parse_yes_no(str(value or ""), intent_of(tracker))
        )
        if decision is None:
            send(dispatcher, [dialogue().say("booking_consent_unclear")])
            return self.failed("consent", tracker, dispatcher)
        if not decision:
            # Without consent nothing is stored: end the form here.
            return {"consent": False, "requested_slot": None}
        return {"consent": True}

    def _free_text(self, slot: str, invalid_key: str, value, dispatcher, tracker):
        cleaned, problem = validation.free_text(str(value or ""))
        if problem == "too_long":
            send(dispatcher, [dialogue().say("booking_text_too_long", limit=200)])
        elif problem:
            send(dispatcher, [free_text_hint(problem, invalid_key)])
        if problem:
            return self.failed(slot, tracker, dispatcher)
        return {slot: cleaned}

    def validate_person_name(self, value, dispatcher, tracker, domain):
        return self._free_text("person_name", "booking_name_invalid", value, dispatcher, tracker)

    def validate_organisation(self, value, dispatcher, tracker, domain):
        return self._free_text("organisation", "booking_organisation_invalid", value, dispatcher, tracker)

    def validate_cluster_name(self, value, dispatcher, tracker, domain):
        return self._free_text("cluster_name", "booking_cluster_invalid", value, dispatcher, tracker)

    def validate_email(self, value, dispatcher, tracker, domain):
        email, problem = validation.email(str(value or ""))
        if problem:
            send(dispatcher, [dialogue().say("booking_email_invalid", value=str(value or "")[:80])])
            return self.failed("email", tracker, dispatcher)
        return {"email": email}

    def validate_phone(self, value, dispatcher, tracker, domain):
        phone, problem = validation.phone(str(value or ""))
        if problem:
            key = {"too_short": "booking_phone_too_short", "too_long": "booking_phone_too_long"}.get(
                problem, "booking_phone_invalid"
            )
            send(dispatcher, [dialogue().say(key, value=str(value or "")[:40])])
            return self.failed("phone", tracker, dispatcher)
        return {"phone": phone}


class ValidateRescheduleForm(TimeChoiceMixin, QuestionAwareForm):
    def name(self) -> Text:
        return "validate_reschedule_form"


class ValidateBookingLookupForm(QuestionAwareForm):
    def name(self) -> Text:
        return "validate_booking_lookup_form"

    def validate_booking_reference(self, value, dispatcher, tracker, domain):
        reference = normalise_reference(str(value or ""), REFERENCE_PREFIX)
        if not reference:
            send(dispatcher, [dialogue().say("lookup_reference_invalid")])
            return {"booking_reference": None}
        return {"booking_reference": reference}

    def validate_lookup_email(self, value, dispatcher, tracker, domain):
        email, problem = validation.email(str(value or ""))
        if problem:
            send(dispatcher, [dialogue().say("booking_email_invalid", value=str(value or "")[:80])])
            return {"lookup_email": None}
        return {"lookup_email": email}


# --- after the booking form -------------------------------------------------------------------
class ActionFinishConsultationForm(Action):
    """The form has ended: without consent or database store nothing, else show the summary."""

    def name(self) -> Text:
        return "action_finish_consultation_form"

    async def run(self, dispatcher, tracker, domain):
        if tracker.get_slot("booking_unavailable"):
            return reset(slots.BOOKING)
        if tracker.get_slot("consent") is False:
            await in_thread(services().consultations.release, requester(tracker))
            send(dispatcher, [dialogue().say("booking_consent_declined")])
            return reset(slots.BOOKING)
        slot = datetime.fromisoformat(tracker.get_slot("consultation_slot"))
        send(
            dispatcher,
            [
                dialogue().summary(
                    slot,
                    tracker.get_slot("consultation_format"),
                    tracker.get_slot("person_name"),
                    tracker.get_slot("organisation"),
                    tracker.get_slot("cluster_name"),
                    tracker.get_slot("email"),
                    tracker.get_slot("phone"),
                )
            ],
        )
        return [SlotSet("booking_ready", True)]


class ActionConfirmBooking(Action):
    def name(self) -> Text:
        return "action_confirm_booking"

    async def run(self, dispatcher, tracker, domain):
        fmt = tracker.get_slot("consultation_format")
        request = BookingRequest(
            slot_start=datetime.fromisoformat(tracker.get_slot("consultation_slot")),
            format=fmt,
            name=tracker.get_slot("person_name"),
            organisation=tracker.get_slot("organisation"),
            cluster_name=tracker.get_slot("cluster_name"),
            email=tracker.get_slot("email"),
            phone=tracker.get_slot("phone") if fmt == "telefon" else None,
            consent_at=now(),
        )
        try:
            booked = await in_thread(services().consultations.book, request, requester(tracker))
        except SlotUnavailable:
            return await self._offer_again(dispatcher, tracker)
        except RateLimited:
            send(dispatcher, [dialogue().say("booking_rate_limited")])
            return reset(slots.BOOKING)
        except (StorageUnavailable, BookingError):
            # Nothing stored: every answer stays, and "Noch einmal versuchen" books again (a booking
            # that did reach the database is recognised, not made twice).
            send(dispatcher, [fault("booking", retry=True)])
            return [SlotSet("booking_ready", None), SlotSet("retry_step", "booking")]
        send(dispatcher, dialogue().confirmed(booked.booking, booked.calendar_url, booked.mail_sent))
        return reset(slots.BOOKING)

    async def _offer_again(self, dispatcher, tracker) -> List[EventType]:
        """The slot went to someone else meanwhile: show fresh slots for the same wish."""
        send(dispatcher, [dialogue().say("booking_slot_gone")])
        wish = wish_from_dict(tracker.get_slot("time_wish"))
        proposal = await fresh_proposal(wish, dispatcher, tracker)
        if proposal is None:
            return reset(slots.BOOKING)
        # Back into the form at the slot choice; its prompt shows the fresh offer.
        return [
            SlotSet("slot_offer", offer_to_dict(wish, proposal)),
            SlotSet("consultation_slot", None),
            SlotSet("booking_ready", None),
            ActiveLoop("consultation_form"),
            SlotSet("requested_slot", "consultation_slot"),
        ]


# --- existing bookings -------------------------------------------------------------------------
class ActionHandleBookingLookup(Action):
    def name(self) -> Text:
        return "action_handle_booking_lookup"

    async def run(self, dispatcher, tracker, domain):
        purpose = tracker.get_slot("lookup_purpose") or "show"
        if purpose in ("draft", "draft_status"):
            from actions.applications import handle_draft_lookup

            return await handle_draft_lookup(dispatcher, tracker, purpose)
        try:
            booking = await in_thread(
                services().consultations.identify,
                tracker.get_slot("booking_reference") or "",
                tracker.get_slot("lookup_email") or "",
                requester(tracker),
            )
        except RateLimited as limited:
            send(dispatcher, [dialogue().say("lookup_rate_limited", minutes=limited.retry_minutes)])
            return reset(slots.LOOKUP) + [SlotSet("lookup_result", "not_found")]
        except BookingNotFound:
            retry = {
                "show": "show_booking",
                "cancel": "cancel_booking",
                "reschedule": "reschedule_booking",
                "delete": "delete_my_data",
            }[purpose]
            send(dispatcher, [dialogue().not_found(retry)])
            return reset(slots.LOOKUP) + [SlotSet("lookup_result", "not_found")]
        except StorageUnavailable:
            send(dispatcher, [fault("lookup")])
            return reset(slots.LOOKUP) + [SlotSet("lookup_result", "unavailable")]
        if purpose == "delete":  # action_delete_question asks before anything is deleted
            return [SlotSet("lookup_result", "found")]
        if purpose == "show":
            send(dispatcher, [dialogue().show(booking)])
            return reset(slots.LOOKUP) + [SlotSet("lookup_result", "shown")]
        if booking.status != "confirmed":
            send(dispatcher, [dialogue().say("lookup_not_changeable", status=dialogue().status_label(booking.status))])
            return reset(slots.LOOKUP) + [SlotSet("lookup_result", "not_changeable")]
        if purpose == "cancel":
            send(dispatcher, [dialogue().cancel_question(booking)])
        else:
            send(dispatcher, [dialogue().say("reschedule_current", slot=dialogue().describe_slot(booking.slot_start))])
        return [SlotSet("lookup_result", "found"), SlotSet("current_slot", booking.slot_start.isoformat())]


class ActionCancelBooking(Action):
    def name(self) -> Text:
        return "action_cancel_booking"

    async def run(self, dispatcher, tracker, domain):
        try:
            booking = await in_thread(
                services().consultations.cancel, tracker.get_slot("booking_reference"), tracker.get_slot("lookup_email")
            )
            send(dispatcher, [dialogue().say("cancel_done", slot=dialogue().describe_slot(booking.slot_start))])
        except (BookingError, StorageUnavailable):
            send(dispatcher, [fault("cancel")])
        return reset(slots.LOOKUP_STATE)


class ActionKeepBooking(Action):
    def name(self) -> Text:
        return "action_keep_booking"

    async def run(self, dispatcher, tracker, domain):
        slot = tracker.get_slot("current_slot")
        if slot and tracker.get_slot("lookup_purpose") == "reschedule":
            send(
                dispatcher,
                [dialogue().say("reschedule_kept", slot=dialogue().describe_slot(datetime.fromisoformat(slot)))],
            )
        else:
            send(dispatcher, [dialogue().say("cancel_kept")])
        return reset(slots.BOOKING + slots.LOOKUP_STATE)


class ActionRescheduleSummary(Action):
    def name(self) -> Text:
        return "action_reschedule_summary"

    async def run(self, dispatcher, tracker, domain):
        if tracker.get_slot("booking_unavailable"):
            return reset(slots.BOOKING + slots.LOOKUP_STATE)
        send(
            dispatcher,
            [
                dialogue().reschedule_question(
                    datetime.fromisoformat(tracker.get_slot("current_slot")),
                    datetime.fromisoformat(tracker.get_slot("consultation_slot")),
                )
            ],
        )
        return []


class ActionRescheduleBooking(Action):
    def name(self) -> Text:
        return "action_reschedule_booking"

    async def run(self, dispatcher, tracker, domain):
        if not tracker.get_slot("consultation_slot") or not tracker.get_slot("booking_reference"):
            send(dispatcher, [fault("reschedule")])
            return reset(slots.BOOKING + slots.LOOKUP_STATE)
        new_slot = datetime.fromisoformat(tracker.get_slot("consultation_slot"))
        try:
            booking = await in_thread(
                services().consultations.reschedule,
                tracker.get_slot("booking_reference"),
                tracker.get_slot("lookup_email"),
                new_slot,
                requester(tracker),
            )
        except SlotUnavailable:
            send(dispatcher, [dialogue().say("booking_slot_gone")])
            return reset(slots.BOOKING + slots.LOOKUP_STATE)
        except (BookingError, StorageUnavailable):
            send(dispatcher, [fault("reschedule")])
            return reset(slots.BOOKING + slots.LOOKUP_STATE)
        send(dispatcher, dialogue().confirmed_reschedule(booking, services().consultations.calendar_url(booking)))
        return reset(slots.BOOKING + slots.LOOKUP_STATE)
