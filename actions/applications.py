"""Draft membership application: thin adapters around bot/applications (DraftDesk for the use
cases, DraftDialogue for the texts, fields.py for the checks)."""

from __future__ import annotations

from datetime import date
from typing import Any, Callable, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import fault, latest_entity, latest_text, requester, send, services
from actions.forms import QuestionAwareForm, in_thread, intent_of, now, reset
from bot import language, validation
from bot.applications import fields as check
from bot.applications.schema import FieldSpec, load_schema
from bot.applications.service import ConsultationMissing, ConsultationPending, OrganisationTaken
from bot.booking.format import format_slot
from bot.errors import DomainError
from bot.knowledge.answers import Reply
from bot.language import NAME_REJECTED_KINDS
from bot.ratelimit import RateLimited
from bot.storage.db import StorageUnavailable

DRAFT_FIELD_ENTITY = "draft_field"


def say(key: str, **values: Any) -> Reply:
    return services().draft_dialogue.say(key, **values)


def draft_slots() -> Tuple[str, ...]:
    return tuple(f.slot for f in services().schema.fields)


def values_from(tracker: Tracker) -> Dict[str, Any]:
    """Field id -> value of the draft form's slots that are set."""
    return {f.id: tracker.get_slot(f.slot) for f in services().schema.fields if tracker.get_slot(f.slot) is not None}


# --- prompts: one action_ask_d_<field> per field of content/application.yml -------------------
def _field_prompt(field_id: str, slot: str):
    class AskField(Action):
        def name(self) -> Text:
            return f"action_ask_{slot}"

        async def run(self, dispatcher, tracker, domain):
            send(dispatcher, [services().draft_dialogue.prompt(services().schema.by_id(field_id))])
            return []

    AskField.__name__ = AskField.__qualname__ = f"ActionAsk_{slot}"
    return AskField


# Action classes must exist when rasa-sdk imports the module: one per field of the schema.
for _spec in load_schema().fields:
    globals()[f"ActionAsk_{_spec.slot}"] = _field_prompt(_spec.id, _spec.slot)


# --- validation -------------------------------------------------------------------------------
def _today() -> date:
    return now().astimezone(services().calendar.tz).date()


def _month_year(text: str):
    moment, problem = check.month_year(text, _today())
    return (moment.isoformat() if moment else None), problem


def _yes_no(text: str, intent: str):
    answer = language.parse_yes_no(text, intent)
    return (answer, None) if answer in (language.YES, language.NO) else (None, "yesno")


VALIDATORS: Dict[str, Callable[[str, Tracker], Tuple[Any, Optional[str]]]] = {
    "text": lambda text, tracker: validation.free_text(text),
    "legal_form": lambda text, tracker: check.legal_form(text),
    "federal_state": lambda text, tracker: check.federal_state(text),
    "count": lambda text, tracker: check.count(text),
    "year": lambda text, tracker: check.founding_year(text, _today()),
    "website": lambda text, tracker: check.website(text),
    "month_year": lambda text, tracker: _month_year(text),
    "yesno": lambda text, tracker: _yes_no(text, intent_of(tracker)),
}


class ValidateDraftForm(QuestionAwareForm):
    """Validates each field, saves it at once, and knows which fields apply."""

    def name(self) -> Text:
        return "validate_draft_form"

    def example(self, slot: str, tracker) -> Optional[str]:
        spec = services().schema.by_slot(slot)
        return spec.example if spec else super().example(slot, tracker)

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> List[Text]:
        if not tracker.get_slot("draft_reference"):
            return []
        return [f.slot for f in services().schema.required(values_from(tracker))]

    async def get_validation_events(self, dispatcher, tracker, domain) -> List[EventType]:
        events: List[EventType] = []
        requested = tracker.get_slot("requested_slot")
        existing = tracker.get_slot("draft_existing")
        if existing and requested == services().schema.by_id("organisation").slot:
            decided = await self._continue_existing(existing, dispatcher, tracker)
            if decided is not None:
                return decided
            events.append(SlotSet("draft_existing", None))  # another name: validated as usual
        for slot, value in tracker.slots_to_validate().items():
            spec = services().schema.by_slot(slot)
            if spec is None:
                continue
            if slot != requested:
                # Values loaded from the saved draft (resume) were validated when they were
                # typed; only the answer to the question just asked is new.
                events.append(SlotSet(slot, value))
                continue
            events += await self._validate_field(spec, value, dispatcher, tracker)
        return events

    async def _validate_field(self, spec: FieldSpec, value: Any, dispatcher, tracker) -> List[EventType]:
        normalised, problem = VALIDATORS[spec.kind]("" if value is None else str(value), tracker)
        extra: Dict[str, Any] = {}
        if problem is None and spec.kind == "count":
            problem, extra = check.actor_numbers_problem(spec.id, normalised, values_from(tracker))
        if problem:
            if problem in NAME_REJECTED_KINDS:  # the field's question follows right after
                key = "draft_invalid_dont_know" if problem == "dont_know" else f"text_answer_{problem}"
            else:
                key = f"draft_invalid_{problem}"
            send(dispatcher, [say(key, **extra)])
            if problem == check.PARTS_DO_NOT_ADD_UP:  # ask the whole breakdown again, also in the draft
                await self._save(dispatcher, tracker, {f: None for f in check.BREAKDOWN})
                return [SlotSet(f"d_{f}", None) for f in check.BREAKDOWN]
            return [SlotSet(spec.slot, None)]
        try:
            problem = await self._save(dispatcher, tracker, {spec.id: normalised})
        except OrganisationTaken as taken:
            if taken.own_draft:  # the same person's draft: offer to continue it
                send(dispatcher, [services().draft_dialogue.own_draft_found(taken.own_draft)])
                return [SlotSet(spec.slot, None), SlotSet("draft_existing", taken.own_draft)]
            send(dispatcher, [say("draft_organisation_taken")])
            problem = "organisation_taken"
        if problem:  # not stored (taken organisation, database down): the same question again
            return [SlotSet(spec.slot, None)]
        return [SlotSet(spec.slot, normalised)]

    async def _continue_existing(self, existing: str, dispatcher, tracker) -> Optional[List[EventType]]:
        """The answer to "continue your other draft?": events, or None if it answers neither."""
        answer = language.parse_yes_no(latest_text(tracker), intent_of(tracker))
        organisation = services().schema.by_id("organisation").slot
        if answer == language.NO:
            send(dispatcher, [say("draft_organisation_again")])
            return [SlotSet(organisation, None), SlotSet("draft_existing", None)]
        if answer != language.YES:
            return None
        try:
            draft = await in_thread(services().draft_desk.take_over, tracker.get_slot("draft_reference"), existing)
        except (StorageUnavailable, DomainError):
            send(dispatcher, [fault("draft")])
            return [SlotSet(organisation, None)]
        send(dispatcher, [say("draft_taken_over", reference=draft.reference)])
        prefill = [SlotSet(f.slot, draft.fields.get(f.id)) for f in services().schema.fields]
        return prefill + [SlotSet("draft_reference", draft.reference), SlotSet("draft_existing", None)]

    @staticmethod
    async def _save(dispatcher, tracker, changes: Dict[str, Any]) -> Optional[str]:
        """Store at once, so nothing typed is lost; returns a problem code or None.
        Raises OrganisationTaken for the caller to explain."""
        try:
            await in_thread(services().draft_desk.save, tracker.get_slot("draft_reference"), changes)
        except OrganisationTaken:
            raise
        except (StorageUnavailable, DomainError):
            send(dispatcher, [fault("draft_field")])
            return "unavailable"
        return None


# --- identification and summary ----------------------------------------------------------------
async def handle_draft_lookup(dispatcher: CollectingDispatcher, tracker: Tracker, purpose: str) -> List[EventType]:
    """After identification with booking reference and e-mail: open the draft or show its status."""
    reference, email = tracker.get_slot("booking_reference") or "", tracker.get_slot("lookup_email") or ""
    lookup_slots = ("booking_reference", "lookup_email")  # the purpose stays for the rules that follow
    desk, dialogue = services().draft_desk, services().draft_dialogue
    try:
        if purpose == "draft_status":
            draft = await in_thread(desk.status, reference, email, requester(tracker))
            if draft is None:
                send(dispatcher, [dialogue.none_yet()])
            else:
                send(dispatcher, dialogue.summary(draft))
            return reset(lookup_slots) + [SlotSet("lookup_result", "shown")]
        opened = await in_thread(desk.open, reference, email, requester(tracker))
    except RateLimited as limited:
        send(dispatcher, [say("lookup_rate_limited", minutes=limited.retry_minutes)])
        return reset(lookup_slots) + [SlotSet("lookup_result", "not_found")]
    except ConsultationMissing:
        send(dispatcher, [dialogue.no_consultation()])
        return reset(lookup_slots) + [SlotSet("lookup_result", "not_found")]
    except ConsultationPending as pending:
        send(dispatcher, [say("draft_consultation_pending", slot=format_slot(pending.slot))])
        return reset(lookup_slots) + [SlotSet("lookup_result", "not_changeable")]
    except (StorageUnavailable, DomainError):
        send(dispatcher, [fault("draft")])
        return reset(lookup_slots) + [SlotSet("lookup_result", "unavailable")]
    draft = opened.draft
    send(dispatcher, [dialogue.opened(draft.reference, opened.fresh)])
    prefill = [SlotSet(f.slot, draft.fields.get(f.id)) for f in services().schema.fields]
    return (
        reset(lookup_slots)
        + prefill
        + [SlotSet("draft_reference", draft.reference), SlotSet("lookup_result", "draft_ready")]
    )


class ActionDraftSummary(Action):
    def name(self) -> Text:
        return "action_draft_summary"

    async def run(self, dispatcher, tracker, domain):
        reference = tracker.get_slot("draft_reference")
        if not reference:  # the form ended without a draft (database unavailable)
            return reset(draft_slots())
        try:
            draft = await in_thread(services().draft_desk.get, reference)
        except (StorageUnavailable, DomainError):
            send(dispatcher, [fault("draft")])
            return []
        send(dispatcher, services().draft_dialogue.summary(draft))
        return []


class ActionChangeDraftField(Action):
    """ "Angabe ändern": which field (buttons), then back into the form for just that field."""

    def name(self) -> Text:
        return "action_change_draft_field"

    async def run(self, dispatcher, tracker, domain):
        if not tracker.get_slot("draft_reference"):
            send(dispatcher, [say("draft_paused")])
            return []
        spec = services().schema.by_id(latest_entity(tracker, DRAFT_FIELD_ENTITY) or "")
        if spec is None:
            send(dispatcher, [services().draft_dialogue.change_which(values_from(tracker))])
            return []
        fields = check.fields_to_enter_again(spec.id)
        try:
            await in_thread(services().draft_desk.save, tracker.get_slot("draft_reference"), {f: None for f in fields})
        except (StorageUnavailable, DomainError):
            send(dispatcher, [fault("draft")])
            return []
        return [SlotSet(f"d_{f}", None) for f in fields] + [ActiveLoop("draft_form"), SlotSet("requested_slot", None)]


class ActionPauseDraft(Action):
    def name(self) -> Text:
        return "action_pause_draft"

    async def run(self, dispatcher, tracker, domain):
        send(dispatcher, [say("draft_paused")])
        return reset(draft_slots() + ("draft_reference", "draft_existing"))
