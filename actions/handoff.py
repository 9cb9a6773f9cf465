"""Hand-off to the hotline team, logging of unanswered questions, deleting one's data."""

from __future__ import annotations

import logging
from typing import Any, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet

from actions import slots
from actions.common import fault, latest_entity, latest_text, requester, send, services
from actions.forms import QuestionAwareForm, free_text_hint, in_thread, intent_of, now, prompt_action, reset
from bot import language, validation
from bot.booking.service import BookingNotFound
from bot.conversations import transcript_from_events
from bot.dates import parse_time_wish
from bot.errors import DomainError
from bot.handoff import rules
from bot.handoff.desk import Concern
from bot.knowledge.answers import Reply
from bot.ratelimit import RateLimited
from bot.storage.db import StorageUnavailable

logger = logging.getLogger(__name__)
ERASE_CONVERSATION_SLOT = "erase_conversation"  # read by rasa_ext/tracker_store.py


def say(key: str, **values: Any) -> Reply:
    return services().handoff_dialogue.say(key, **values)


class ActionHandoffIntro(Action):
    def name(self) -> Text:
        return "action_handoff_intro"

    async def run(self, dispatcher, tracker, domain):
        given = latest_entity(tracker, "handoff_reason") or tracker.get_slot("handoff_reason")
        reason = rules.reason_of(given, intent_of(tracker))
        send(dispatcher, [services().handoff_dialogue.intro(reason)])
        # The hand-off replaces a process left unfinished (e.g. "Mit einer Person sprechen" in the
        # help of a form): its answers are not kept for a later start.
        abandoned = [
            SlotSet(slot, None)
            for slot in slots.PROCESS
            if slot not in slots.HANDOFF and tracker.get_slot(slot) is not None
        ]
        return abandoned + [SlotSet("handoff_reason", reason)]


ActionAskHandoffName = prompt_action("handoff_name", "handoff_ask_name")
ActionAskHandoffContact = prompt_action("handoff_contact", "handoff_ask_contact")
ActionAskHandoffCallback = prompt_action("handoff_callback", "handoff_ask_callback")
ActionAskHandoffConcern = prompt_action("handoff_concern", "handoff_ask_concern")


class ActionAskHandoffConsent(Action):
    def name(self) -> Text:
        return "action_ask_handoff_consent"

    async def run(self, dispatcher, tracker, domain):
        send(dispatcher, [services().handoff_dialogue.consent_question()])
        return []


class ValidateHandoffForm(QuestionAwareForm):
    offers_handoff = False  # this is the hand-off: its help names the hotline instead

    def name(self) -> Text:
        return "validate_handoff_form"

    def optional_slots(self, tracker) -> List[str]:
        return ["handoff_callback"]

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> List[Text]:
        return [] if tracker.get_slot("handoff_consent") is False else domain_slots

    def validate_handoff_consent(self, value, dispatcher, tracker, domain):
        answer = language.parse_yes_no(str(value or ""), intent_of(tracker))
        if answer == language.YES:
            return {"handoff_consent": True}
        if answer == language.NO:
            return {"handoff_consent": False, "requested_slot": None}
        send(dispatcher, [say("booking_consent_unclear")])
        return {"handoff_consent": None}

    def validate_handoff_name(self, value, dispatcher, tracker, domain):
        name, problem = validation.free_text(str(value or ""))
        if problem:
            send(dispatcher, [free_text_hint(problem, "booking_name_invalid")])
        return {"handoff_name": name}

    def validate_handoff_contact(self, value, dispatcher, tracker, domain):
        parsed = validation.contact(str(value or ""))
        if parsed is None:
            send(dispatcher, [say("handoff_contact_invalid")])
            return {"handoff_contact": None}
        return {"handoff_contact": parsed[0] or parsed[1]}

    def validate_handoff_callback(self, value, dispatcher, tracker, domain):
        text, problem = validation.free_text(str(value or ""), min_length=1, reject=())
        if problem:
            send(dispatcher, [say("booking_time_not_understood")])
            return {"handoff_callback": None}
        parsed = parse_time_wish(text, now().astimezone(services().calendar.tz), None)
        if parsed.problem in ("past", "invalid_date"):  # a wish we can read, but not fulfil
            send(
                dispatcher,
                [
                    say(
                        "booking_time_past" if parsed.problem == "past" else "booking_time_invalid",
                        detail=parsed.detail,
                    )
                ],
            )
            return {"handoff_callback": None}
        return {"handoff_callback": text}

    def validate_handoff_concern(self, value, dispatcher, tracker, domain):
        text, problem = validation.free_text(str(value or ""), min_length=3, max_length=500, reject=())
        if problem:
            send(dispatcher, [say("handoff_concern_invalid")])
        return {"handoff_concern": text}


class ActionCreateTicket(Action):
    def name(self) -> Text:
        return "action_create_ticket"

    async def run(self, dispatcher, tracker, domain):
        if tracker.get_slot("handoff_consent") is not True:
            send(dispatcher, [say("handoff_consent_declined")])
            return reset(slots.HANDOFF)
        email, phone = validation.contact(tracker.get_slot("handoff_contact") or "") or (None, None)
        try:
            lines = await in_thread(services().conversations.transcript, tracker.sender_id)
        except Exception:  # noqa: BLE001 - the tracker database is optional for a ticket
            lines = []
        concern = Concern(
            reason=tracker.get_slot("handoff_reason") or rules.ASKED_FOR_PERSON,
            intents=rules.intents_of(tracker.events),
            contact_name=tracker.get_slot("handoff_name") or "",
            contact_email=email,
            contact_phone=phone,
            callback=tracker.get_slot("handoff_callback"),
            concern=tracker.get_slot("handoff_concern") or "",
            transcript=lines or transcript_from_events(tracker.events),
            channel=tracker.get_latest_input_channel() or "unbekannt",
        )
        try:
            opened = await in_thread(services().hotline.open_ticket, concern, requester(tracker))
        except RateLimited:
            send(dispatcher, [say("handoff_rate_limited")])
            return reset(slots.HANDOFF)
        except (StorageUnavailable, DomainError):
            # Nothing stored: the answers stay, and "Noch einmal versuchen" runs this again.
            send(dispatcher, [fault("ticket", retry=True)])
            return [SlotSet("retry_step", "ticket")]
        send(dispatcher, [services().handoff_dialogue.created(opened.ticket.reference)])
        return reset(slots.HANDOFF)


async def log_unanswered(tracker: Tracker, kind: str) -> None:
    """Record a question the bot could not answer; never breaks the conversation."""
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    guess = next((r for r in ranking if r.get("name") not in ("nlu_fallback", None)), {})
    try:
        await in_thread(
            services().tickets.log_unanswered,
            latest_text(tracker),
            kind,
            guess.get("name"),
            guess.get("confidence"),
            tracker.sender_id,
        )
    except (StorageUnavailable, DomainError):
        logger.warning("Unanswered question could not be logged (database unavailable)")


# --- deleting one's data ----------------------------------------------------------------------
class ActionDeleteQuestion(Action):
    """After identification: ask once more before deleting anything."""

    def name(self) -> Text:
        return "action_delete_question"

    async def run(self, dispatcher, tracker, domain):
        send(dispatcher, [services().handoff_dialogue.delete_question(tracker.get_slot("booking_reference") or "")])
        return []


class ActionDeleteMyData(Action):
    def name(self) -> Text:
        return "action_delete_my_data"

    async def run(self, dispatcher, tracker, domain):
        reference = tracker.get_slot("booking_reference") or ""
        try:
            result = await in_thread(
                services().privacy.delete_my_data, reference, tracker.get_slot("lookup_email") or "", requester(tracker)
            )
        except BookingNotFound:
            send(dispatcher, [say("lookup_not_found")])
            return reset(slots.LOOKUP_STATE)
        except StorageUnavailable:
            send(dispatcher, [fault("deletion")])
            return reset(slots.LOOKUP_STATE)
        send(dispatcher, services().handoff_dialogue.deleted(reference, result))
        # This conversation is erased by the tracker store when Rasa saves this turn.
        return reset(slots.LOOKUP_STATE) + [SlotSet(ERASE_CONVERSATION_SLOT, True)]


class ActionKeepMyData(Action):
    def name(self) -> Text:
        return "action_keep_my_data"

    async def run(self, dispatcher, tracker, domain):
        send(dispatcher, [say("delete_kept")])
        return reset(slots.LOOKUP_STATE)
