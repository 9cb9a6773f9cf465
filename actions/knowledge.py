"""Answers from the content: programme FAQ, glossary, clarifying questions, other languages."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.common import answers, latest_entity, latest_text, send, user_intents
from actions.handoff import log_unanswered
from bot import textguard
from bot.knowledge.answers import TERM_ENTITY

# Intents that mean "not understood"; two of them in a row lead to the hotline.
NOT_UNDERSTOOD = {"nlu_fallback", "bad_input"}


def contexts_of(tracker: Tracker) -> List[str]:
    """Where the conversation is (bot.knowledge.content.CONTEXTS)."""
    found = []
    if (tracker.active_loop or {}).get("name"):
        found.append("form")
    if tracker.get_slot("guide_step") is not None:
        found.append("tour")
    if tracker.get_slot("draft_reference"):
        found.append("draft")
    return found


async def clarify(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    ranking = [
        (item.get("name") or "", float(item.get("confidence") or 0.0))
        for item in tracker.latest_message.get("intent_ranking") or []
    ]
    intents = user_intents(tracker)
    repeated = len(intents) >= 2 and intents[-2] in NOT_UNDERSTOOD
    send(dispatcher, answers().clarify(ranking, latest_text(tracker), repeated, contexts_of(tracker)))
    await log_unanswered(tracker, "not_understood")


class ActionAnswerFaq(Action):
    def name(self) -> Text:
        return "action_answer_faq"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        send(dispatcher, answers().faq(intent))
        return []


class ActionExplainTerm(Action):
    def name(self) -> Text:
        return "action_explain_term"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        text = latest_text(tracker)
        term = answers().resolve_term(text, latest_entity(tracker, TERM_ENTITY))
        send(dispatcher, answers().explain_resolved(term, text))
        if term is None and answers().term_query(text):
            await log_unanswered(tracker, "unknown_term")
        return []


class ActionClarify(Action):
    """Two-stage fallback: offer the likeliest topics; at the second miss in a row, the hotline."""

    def name(self) -> Text:
        return "action_clarify"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        await clarify(dispatcher, tracker)
        return []


class ActionReplyEnglish(Action):
    def name(self) -> Text:
        return "action_reply_english"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        replies = answers().english(latest_text(tracker))
        send(dispatcher, replies)
        if len(replies) == 1:  # nothing recognised: only the notice went out
            await log_unanswered(tracker, "english")
        return []


class ActionHandleBadInput(Action):
    def name(self) -> Text:
        return "action_handle_bad_input"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        original = next((e.get("text") or "" for e in reversed(tracker.events) if e.get("event") == "user"), "")
        # The user event keeps the original text; the parse data holds the cleaned one.
        problem = textguard.input_problem(original)
        if problem is None:
            # Gibberish the classifier recognised ("asdf"): not understood, so ask back.
            await clarify(dispatcher, tracker)
        else:
            send(dispatcher, answers().bad_input(problem))
        return []


class ActionCoreFallback(Action):
    """No rule fits the conversation: apologise and point to the hotline instead of guessing."""

    def name(self) -> Text:
        return "action_core_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        send(dispatcher, answers().core_fallback())
        await log_unanswered(tracker, "not_understood")
        return [UserUtteranceReverted()]
