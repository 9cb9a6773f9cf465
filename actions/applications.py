"""Draft membership application: identification via the held consultation, field-by-field
entry with immediate saving, summary with checklist, changing single fields."""
from __future__ import annotations

from datetime import date
from typing import Any, Callable, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import answers, latest_entity, requester, send, services
from actions.forms import QuestionAwareForm, in_thread, intent_of, now, prompt_action, reset
from bot import eligibility, validation
from bot.admission.guide import load_guide
from bot.applications import fields as check
from bot.applications.schema import FieldSpec, load_schema
from bot.applications.service import (
    ConsultationMissing,
    ConsultationPending,
    DraftService,
    DraftView,
    OrganisationTaken,
)
from bot.booking.format import format_slot
from bot.booking.service import BookingNotFound
from bot.errors import DomainError
from bot.knowledge.answers import Button, Reply
from bot.ratelimit import RateLimited
from bot.storage.db import StorageUnavailable

DRAFT_FIELD_ENTITY = "draft_field"
BREAKDOWN = ("actors_companies", "actors_smes", "actors_research", "actors_other")


def draft_service() -> DraftService:
    return services().drafts


def say(key: str, **values: Any) -> str:
    return answers().knowledge.messages.render(key, **values)


def draft_slots() -> Tuple[str, ...]:
    return tuple(f.slot for f in load_schema().fields)


def values_from(tracker: Tracker) -> Dict[str, Any]:
    """Field id -> value of the draft form's slots that are set."""
    return {f.id: tracker.get_slot(f.slot) for f in load_schema().fields if tracker.get_slot(f.slot) is not None}


def display(spec: FieldSpec, value: Any) -> str:
    if spec.kind == "yesno":
        return {"yes": "ja", "no": "nein"}.get(value, "unklar")
    if spec.kind == "month_year" and value:
        moment = date.fromisoformat(value)
        return f"{moment:%m/%Y}" if moment.month != 1 or moment.day != 1 else str(moment.year)
    if spec.kind == "website" and value == "":
        return "keine"
    return str(value)


# --- prompts: one action_ask_d_<field> per field of content/application.yml -------------------
def _field_prompt(spec: FieldSpec):
    buttons = [{"title": "Ja", "payload": "/affirm"}, {"title": "Nein", "payload": "/deny"}] if spec.kind == "yesno" else None
    return prompt_action(spec.slot, "", buttons, text=lambda: spec.prompt)


for _spec in load_schema().fields:
    globals()[f"ActionAsk_{_spec.slot}"] = _field_prompt(_spec)


# --- validation -------------------------------------------------------------------------------
def _today() -> date:
    return now().date()


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


def _month_year(text: str):
    moment, problem = check.month_year(text, _today())
    return (moment.isoformat() if moment else None), problem


def _yes_no(text: str, intent: str):
    answer = eligibility.parse_yes_no(text, intent)
    return (answer, None) if answer in (eligibility.YES, eligibility.NO) else (None, "yesno")


def breakdown_problem(field_id: str, value: int, tracker: Tracker) -> Tuple[Optional[str], Dict[str, Any]]:
    """Cross-field checks of the actor numbers, as soon as the entered number allows them."""
    given = {**values_from(tracker), field_id: value}
    total = given.get("actors_total")
    if field_id == "actors_smes" and given.get("actors_companies") is not None and value > given["actors_companies"]:
        return "smes_exceed_companies", {"companies": given["actors_companies"]}
    parts = sum(given.get(f) or 0 for f in ("actors_companies", "actors_research", "actors_other"))
    if field_id in ("actors_companies", "actors_research") and total is not None and parts > total:
        return "parts_exceed_total", {"parts": parts, "total": total}
    if field_id == "actors_other" and total is not None:
        problems = check.check_actor_breakdown(total, given.get("actors_companies", 0), given.get("actors_smes", 0),
                                               given.get("actors_research", 0), value)
        if "parts_do_not_add_up" in problems:
            parts = given.get("actors_companies", 0) + given.get("actors_research", 0) + value
            return "parts_do_not_add_up", {"parts": parts, "total": total}
    return None, {}


class ValidateDraftForm(QuestionAwareForm):
    """Validates each field, saves it at once, and knows which fields apply."""


    def name(self) -> Text:
        return "validate_draft_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> List[Text]:
        if not tracker.get_slot("draft_reference"):
            return []
        return [f.slot for f in load_schema().required(values_from(tracker))]

    async def get_validation_events(self, dispatcher, tracker, domain) -> List[EventType]:
        events: List[EventType] = []
        requested = tracker.get_slot("requested_slot")
        for slot, value in tracker.slots_to_validate().items():
            spec = load_schema().by_slot(slot)
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
            problem, extra = breakdown_problem(spec.id, normalised, tracker)
        if problem:
            send(dispatcher, [Reply(say(f"draft_invalid_{problem}", **extra))])
            if problem == "parts_do_not_add_up":   # ask the whole breakdown again, also in the draft
                await self._save(dispatcher, tracker, {f: None for f in BREAKDOWN})
                return [SlotSet(f"d_{f}", None) for f in BREAKDOWN]
            return [SlotSet(spec.slot, None)]
        problem = await self._save(dispatcher, tracker, {spec.id: normalised})
        if problem == "organisation_taken":
            return [SlotSet(spec.slot, None)]
        if problem:
            return [SlotSet(spec.slot, None), SlotSet("requested_slot", None), SlotSet("draft_reference", None)]
        return [SlotSet(spec.slot, normalised)]

    @staticmethod
    async def _save(dispatcher, tracker, changes: Dict[str, Any]) -> Optional[str]:
        """Store at once, so nothing typed is lost; returns a problem code or None."""
        try:
            await in_thread(draft_service().save_fields, tracker.get_slot("draft_reference"), changes)
        except OrganisationTaken:
            send(dispatcher, [Reply(say("draft_organisation_taken"))])
            return "organisation_taken"
        except (StorageUnavailable, DomainError):
            send(dispatcher, [Reply(say("booking_unavailable"))])
            return "unavailable"
        return None


# --- identification and summary ----------------------------------------------------------------
def summary_replies(draft: DraftView, values: Dict[str, Any]) -> List[Reply]:
    schema = load_schema()
    status = schema.statuses.get(draft.status, draft.status)
    lines = [say("draft_summary", reference=draft.reference, status=status)]
    lines += [say("draft_line", label=f.label, value=display(f, values[f.id]))
              for f in schema.required(values) if values.get(f.id) is not None]
    missing = schema.missing(values)
    if missing:
        lines.append(say("draft_missing"))
        lines += [say("draft_missing_item", label=f.label) for f in missing]
    else:
        lines.append(say("draft_complete"))
    documents = {d.id: d for d in load_guide().documents}
    needed = [documents["application_documents"]]
    if values.get("strategy_exists") != "yes":
        needed.append(documents["strategy_document"])
    if values.get("actor_overview_exists") != "yes":
        needed.append(documents["actor_overview"])
    lines.append(say("draft_documents_missing"))
    lines += [say("readiness_item", title=d.title, explanation=d.explanation) for d in needed]
    lines.append(say("draft_submit_note"))
    buttons = (Button(say("draft_change_button"), "/change_draft_field"),)
    return [Reply("\n".join(lines), buttons)]


async def handle_draft_lookup(dispatcher: CollectingDispatcher, tracker: Tracker, purpose: str) -> List[EventType]:
    """After identification with booking reference and e-mail: open the draft or show its status."""
    reference, email = tracker.get_slot("booking_reference") or "", tracker.get_slot("lookup_email") or ""
    lookup_slots = ("booking_reference", "lookup_email")   # the purpose stays for the rules that follow
    no_consultation = [Reply(say("draft_no_consultation"),
                             (Button(answers().knowledge.topics["book_consultation"].label, "/book_consultation"),))]
    try:
        # Who gives reference and e-mail of a booking may open its draft; wrong guesses are limited.
        booking = await in_thread(services().consultations.identify, reference, email, requester(tracker))
        if purpose == "draft_status":
            draft = await in_thread(draft_service().find, reference, email)
            if draft is None:
                send(dispatcher, [Reply(say("draft_none_yet"), (Button(say("draft_create_button"), "/create_draft"),))])
            else:
                send(dispatcher, summary_replies(draft, draft.fields))
            return reset(lookup_slots) + [SlotSet("lookup_result", "shown")]
        draft = await in_thread(draft_service().open, reference, email)
    except RateLimited as limited:
        send(dispatcher, [Reply(say("lookup_rate_limited", minutes=limited.retry_minutes))])
        return reset(lookup_slots) + [SlotSet("lookup_result", "not_found")]
    except (BookingNotFound, ConsultationMissing):
        send(dispatcher, no_consultation)
        return reset(lookup_slots) + [SlotSet("lookup_result", "not_found")]
    except ConsultationPending:
        send(dispatcher, [Reply(say("draft_consultation_pending", slot=format_slot(booking.slot_start)))])
        return reset(lookup_slots) + [SlotSet("lookup_result", "not_changeable")]
    except (StorageUnavailable, DomainError):
        send(dispatcher, [Reply(say("booking_unavailable"))])
        return reset(lookup_slots) + [SlotSet("lookup_result", "unavailable")]
    schema = load_schema()
    fresh = not draft.fields
    send(dispatcher, [Reply(say("draft_intro" if fresh else "draft_resumed", reference=draft.reference))])
    prefill = [SlotSet(f.slot, draft.fields.get(f.id)) for f in schema.fields]
    return reset(lookup_slots) + prefill + [SlotSet("draft_reference", draft.reference),
                                            SlotSet("lookup_result", "draft_ready")]


class ActionDraftSummary(Action):
    def name(self) -> Text:
        return "action_draft_summary"

    async def run(self, dispatcher, tracker, domain):
        reference = tracker.get_slot("draft_reference")
        if not reference:   # the form ended without a draft (database unavailable)
            return reset(draft_slots())
        try:
            draft = await in_thread(draft_service().get, reference)
        except (StorageUnavailable, DomainError):
            send(dispatcher, [Reply(say("booking_unavailable"))])
            return []
        send(dispatcher, summary_replies(draft, draft.fields))
        return []


class ActionChangeDraftField(Action):
    """"Angabe ändern": which field (buttons), then back into the form for just that field."""

    def name(self) -> Text:
        return "action_change_draft_field"

    async def run(self, dispatcher, tracker, domain):
        if not tracker.get_slot("draft_reference"):
            send(dispatcher, [Reply(say("draft_paused"))])
            return []
        schema = load_schema()
        field_id = latest_entity(tracker, DRAFT_FIELD_ENTITY)
        spec = schema.by_id(field_id or "")
        if spec is None:
            buttons = tuple(Button(f.label, '/change_draft_field{"%s":"%s"}' % (DRAFT_FIELD_ENTITY, f.id))
                            for f in schema.required(values_from(tracker)))
            send(dispatcher, [Reply(say("draft_change_which"), buttons)])
            return []
        fields = [spec.id]
        if spec.id in BREAKDOWN or spec.id == "actors_total":   # the numbers must add up again
            fields = ["actors_total", *BREAKDOWN]
        try:
            await in_thread(draft_service().save_fields, tracker.get_slot("draft_reference"), {f: None for f in fields})
        except (StorageUnavailable, DomainError):
            send(dispatcher, [Reply(say("booking_unavailable"))])
            return []
        return [SlotSet(f"d_{f}", None) for f in fields] + [ActiveLoop("draft_form"), SlotSet("requested_slot", None)]


class ActionPauseDraft(Action):
    def name(self) -> Text:
        return "action_pause_draft"

    async def run(self, dispatcher, tracker, domain):
        send(dispatcher, [Reply(say("draft_paused"))])
        return reset(draft_slots() + ("draft_reference",))
