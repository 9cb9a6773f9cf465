"""Admission guide, readiness check for the application, Gold-label cost-share check."""
from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet

from actions import slots
from actions.common import answers, latest_entity, latest_text, send
from actions.forms import QuestionAwareForm, intent_of, now, prompt_action, reset
from bot import eligibility
from bot.admission.guide import Guide, load_guide, missing_documents, move, step_from_progress, step_number
from bot.knowledge.answers import Button, Reply

GUIDE_DIRECTIONS = {"guide_next": "next", "guide_back": "back", "guide_details": "details"}


def say(key: str, **values: Any) -> str:
    return answers().knowledge.messages.render(key, **values)


def today() -> date:
    return now().date()


# --- guided tour --------------------------------------------------------------------------------
def guide_buttons(guide: Guide, number: int) -> List[Button]:
    buttons = [Button(answers().knowledge.topics[o].label, "/" + o) for o in guide.step(number).offers]
    buttons.append(Button(say("guide_button_details"), '/guide_details{"guide_target":"%d"}' % number))
    if number < 5:
        buttons.append(Button(say("guide_button_next"), '/guide_goto{"guide_target":"%d"}' % (number + 1)))
    if number > 1:
        buttons.append(Button(say("guide_button_back"), '/guide_goto{"guide_target":"%d"}' % (number - 1)))
    return buttons


def step_reply(guide: Guide, number: int, details: bool = False) -> Reply:
    step = guide.step(number)
    key = "guide_details" if details else "guide_step"
    text = say(key, number=step.number, title=step.title, summary=step.summary, details=step.details)
    return Reply(text, tuple(guide_buttons(guide, number)))


class ActionGuide(Action):
    """Shows a step of the admission process; remembers it, so the tour continues after questions."""

    def name(self) -> Text:
        return "action_guide"

    async def run(self, dispatcher, tracker, domain):
        guide, intent = load_guide(), intent_of(tracker)
        current = tracker.get_slot("guide_step")
        current = int(current) if current else None
        target = latest_entity(tracker, "guide_target")
        if intent == "guide_progress":
            return self._progress(dispatcher, guide, latest_text(tracker))
        if intent == "guide_goto" or (intent == "guide_details" and target):
            number = step_number(target or latest_text(tracker)) or move(current, "details")
        else:
            number = move(current, GUIDE_DIRECTIONS.get(intent, "start"))
        replies = []
        if intent not in GUIDE_DIRECTIONS and intent != "guide_goto":   # the tour starts
            titles = "\n".join(f"{s.number}. {s.title}" for s in guide.steps)
            replies.append(Reply(say("guide_overview", steps=titles)))
        replies.append(step_reply(guide, number, details=intent == "guide_details"))
        send(dispatcher, replies)
        return [SlotSet("guide_step", number)]

    def _progress(self, dispatcher, guide: Guide, text: str):
        rule = step_from_progress(guide, text)
        if rule is None:
            buttons = tuple(Button(say("guide_button_step", number=s.number) + f": {s.title}",
                                   '/guide_goto{"guide_target":"%d"}' % s.number) for s in guide.steps)
            send(dispatcher, [Reply(say("guide_progress_unknown"), buttons)])
            return []
        if rule.outcome == "admitted":
            send(dispatcher, [Reply(say("guide_after_admission")), *answers().faq("faq_pflichten")])
        elif rule.outcome == "rejected":
            send(dispatcher, [Reply(say("guide_rejected"))])
        else:
            send(dispatcher, [Reply(say("guide_progress_step", number=rule.step)), step_reply(guide, rule.step)])
        return [SlotSet("guide_step", rule.step)]


# --- readiness check ----------------------------------------------------------------------------
ActionAskReadinessDocuments = prompt_action("rd_application_documents", "readiness_ask_application_documents",
                                            [{"title": "Ja", "payload": "/affirm"}, {"title": "Nein", "payload": "/deny"}])
ActionAskReadinessStrategy = prompt_action("rd_strategy_document", "readiness_ask_strategy_document",
                                           [{"title": "Ja", "payload": "/affirm"}, {"title": "Nein", "payload": "/deny"}])
ActionAskReadinessActors = prompt_action("rd_actor_overview", "readiness_ask_actor_overview",
                                         [{"title": "Ja", "payload": "/affirm"}, {"title": "Nein", "payload": "/deny"}])


class ValidateReadinessForm(QuestionAwareForm):
    def name(self) -> Text:
        return "validate_readiness_form"

    def _answer(self, slot: str, value, tracker) -> Dict[Text, Any]:
        return {slot: eligibility.parse_yes_no(str(value or ""), intent_of(tracker))}

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
        guide = load_guide()
        given = {slot[3:]: tracker.get_slot(slot) for slot in slots.READINESS}
        missing = missing_documents(guide, given)
        if missing:
            lines = [say("readiness_missing")] + [say("readiness_item", title=d.title, explanation=d.explanation)
                                                  for d in missing]
            if "unknown" in given.values():
                lines.append(say("readiness_unknown_hint"))
        else:
            lines = [say("readiness_all_there")]
        lines.append(say("readiness_criteria"))
        buttons = (Button(answers().knowledge.topics["book_consultation"].label, "/book_consultation"),
                   Button(answers().knowledge.topics["create_draft"].label, "/create_draft"))
        send(dispatcher, [Reply("\n".join(lines), buttons)])
        return reset(slots.READINESS)


# --- Gold-label cost-share check --------------------------------------------------------------
def _cost_share_prompt(question: str):
    buttons = ([{"title": "Erstzertifizierung", "payload": "Erstzertifizierung"},
                {"title": "Re-Zertifizierung", "payload": "Re-Zertifizierung"}] if question == "kind" else
               [{"title": "Ja", "payload": "/affirm"}, {"title": "Nein", "payload": "/deny"},
                {"title": "Weiß nicht", "payload": "weiß nicht"}])
    return prompt_action(f"cs_{question}", f"cost_share_ask_{question}", buttons)


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
        given = cost_share_answers(tracker)
        needed = set(eligibility.needed_questions(given)) | set(given)
        if given.get("silver_done") == eligibility.YES:
            needed.discard("gold_or_iso_recent")
        return [f"cs_{q}" for q in eligibility.QUESTIONS if q in needed]

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


def verdict_replies(verdict: eligibility.Verdict) -> List[Reply]:
    lines: List[str] = []
    buttons: List[Button] = []
    if verdict.outcome == "eligible":
        lines.append(say("cost_share_eligible"))
    elif verdict.outcome == "not_eligible":
        lines.append(say("cost_share_not_eligible"))
        lines += [say(f"cost_share_unmet_{code}") for code in verdict.unmet]
        if verdict.unclear:
            lines.append(say("cost_share_unclear"))
            lines += [say(f"cost_share_unclear_{code}") for code in verdict.unclear]
    else:
        lines.append(say("cost_share_unclear"))
        lines += [say(f"cost_share_unclear_{code}") for code in verdict.unclear]
    amount_key = {eligibility.FIRST: "cost_share_amount_first", eligibility.RECERT: "cost_share_amount_recert"}
    lines.append(say(amount_key.get(verdict.kind, "cost_share_amount_unknown")))
    lines.append(say("cost_share_conditions"))
    if verdict.outcome == "unclear":
        lines.append(say("cost_share_unclear_next"))
    if eligibility.NOT_MEMBER in verdict.unmet + verdict.unclear:
        guide_entry = answers().knowledge.faq["aufnahmeprozess"]
        buttons.append(Button(guide_entry.title, "/" + guide_entry.intent))
    return [Reply("\n".join(lines), tuple(buttons))]


class ActionCostShareVerdict(Action):
    def name(self) -> Text:
        return "action_cost_share_verdict"

    async def run(self, dispatcher, tracker, domain):
        send(dispatcher, verdict_replies(eligibility.evaluate(cost_share_answers(tracker))))
        return reset(slots.COST_SHARE)
