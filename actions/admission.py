"""Admission guide, readiness check, Gold-label cost-share check: thin adapters around
bot/admission (guide rules, AdmissionDialogue for the texts) and bot/eligibility (pure rules)."""

from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet

from actions import slots
from actions.common import answers, latest_entity, latest_text, send, services
from actions.forms import QuestionAwareForm, intent_of, now, reset
from bot import eligibility, language
from bot.admission.guide import move, step_from_progress, step_number

GUIDE_DIRECTIONS = {"guide_next": "next", "guide_back": "back", "guide_details": "details"}


def today() -> date:
    return now().astimezone(services().calendar.tz).date()


def asking(slot: str, reply):
    """An `action_ask_<slot>` that sends one reply of the admission dialogue."""

    class Ask(Action):
        def name(self) -> Text:
            return f"action_ask_{slot}"

        async def run(self, dispatcher, tracker, domain):
            send(dispatcher, [reply(services().admission_dialogue)])
            return []

    Ask.__name__ = Ask.__qualname__ = f"ActionAsk_{slot}"
    return Ask


# --- guided tour --------------------------------------------------------------------------------
class ActionGuide(Action):
    """Shows a step of the admission process; remembers it, so the tour continues after questions."""

    def name(self) -> Text:
        return "action_guide"

    async def run(self, dispatcher, tracker, domain):
        dialogue, intent = services().admission_dialogue, intent_of(tracker)
        if intent == "guide_progress":
            rule = step_from_progress(dialogue.guide, latest_text(tracker))
            send(dispatcher, dialogue.progress(rule, answers().faq("faq_pflichten")))
            return [SlotSet("guide_step", rule.step)] if rule else []
        current = tracker.get_slot("guide_step")
        current = int(current) if current else None
        target = latest_entity(tracker, "guide_target")
        if intent == "guide_goto" or (intent == "guide_details" and target):
            number = step_number(target or latest_text(tracker)) or move(current, "details")
        else:
            number = move(current, GUIDE_DIRECTIONS.get(intent, "start"))
        starts = intent not in GUIDE_DIRECTIONS and intent != "guide_goto"
        send(dispatcher, dialogue.tour(number, starts, details=intent == "guide_details"))
        return [SlotSet("guide_step", number)]


# --- readiness check ----------------------------------------------------------------------------
ActionAskReadinessDocuments = asking(
    "rd_application_documents", lambda d: d.readiness_question("application_documents")
)
ActionAskReadinessStrategy = asking("rd_strategy_document", lambda d: d.readiness_question("strategy_document"))
ActionAskReadinessActors = asking("rd_actor_overview", lambda d: d.readiness_question("actor_overview"))


class ValidateReadinessForm(QuestionAwareForm):
    def name(self) -> Text:
        return "validate_readiness_form"

    def _answer(self, slot: str, value, tracker) -> Dict[Text, Any]:
        return {slot: language.parse_yes_no(str(value or ""), intent_of(tracker))}

    def validate_rd_application_documents(self, value, dispatcher, tracker, domain):
        return self._answer("rd_application_documents", value, tracker)

    def validate_rd_strategy_document(self, value, dispatcher, tracker, domain):
        return self._answer("rd_strategy_document", value, tracker)

    def validate_rd_actor_overview(self, value, dispatcher, tracker, domain):
        return self._answer("rd_actor_overview", value, tracker)


class ActionReadinessResult(Action):
    def name(self) -> Text:
        return "action_readiness_result"

    async def run(self, dispatcher, tracker, domain):
        given = {slot[3:]: tracker.get_slot(slot) for slot in slots.READINESS}
        send(dispatcher, services().admission_dialogue.readiness_result(given))
        return reset(slots.READINESS)


# --- Gold-label cost-share check --------------------------------------------------------------
def _cost_share_prompt(question: str):
    return asking(f"cs_{question}", lambda d: d.cost_share_question(question))


ActionAskCsMember = _cost_share_prompt("member")
ActionAskCsOtherFunding = _cost_share_prompt("other_funding")
ActionAskCsSilverDone = _cost_share_prompt("silver_done")
ActionAskCsGoldOrIsoRecent = _cost_share_prompt("gold_or_iso_recent")
ActionAskCsStarted = _cost_share_prompt("started")
ActionAskCsKind = _cost_share_prompt("kind")


def cost_share_answers(tracker: Tracker) -> Dict[str, str]:
    return {q: tracker.get_slot(f"cs_{q}") for q in eligibility.QUESTIONS if tracker.get_slot(f"cs_{q}")}


class ValidateCostShareForm(QuestionAwareForm):
    def name(self) -> Text:
        return "validate_cost_share_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> List[Text]:
        return [f"cs_{q}" for q in eligibility.questions_in_form(cost_share_answers(tracker))]

    def _answer(self, question: str, value, tracker) -> Dict[Text, Any]:
        return {f"cs_{question}": eligibility.parse_answer(question, str(value or ""), intent_of(tracker), today())}

    def validate_cs_member(self, value, dispatcher, tracker, domain):
        return self._answer("member", value, tracker)

    def validate_cs_other_funding(self, value, dispatcher, tracker, domain):
        return self._answer("other_funding", value, tracker)

    def validate_cs_silver_done(self, value, dispatcher, tracker, domain):
        return self._answer("silver_done", value, tracker)

    def validate_cs_gold_or_iso_recent(self, value, dispatcher, tracker, domain):
        return self._answer("gold_or_iso_recent", value, tracker)

    def validate_cs_started(self, value, dispatcher, tracker, domain):
        return self._answer("started", value, tracker)

    def validate_cs_kind(self, value, dispatcher, tracker, domain):
        return self._answer("kind", value, tracker)


class ActionCostShareVerdict(Action):
    def name(self) -> Text:
        return "action_cost_share_verdict"

    async def run(self, dispatcher, tracker, domain):
        verdict = eligibility.evaluate(cost_share_answers(tracker))
        send(dispatcher, services().admission_dialogue.verdict(verdict))
        return reset(slots.COST_SHARE)
