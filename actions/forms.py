"""Helpers shared by all forms: questions answered mid-form, prompts, worker threads."""
from __future__ import annotations

import asyncio
from abc import abstractmethod
from datetime import datetime
from functools import partial
from typing import Any, Callable, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActionExecutionRejected, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import slots
from bot.clock import utc_now
from actions.common import answers, latest_entity, latest_text, send
from bot.knowledge.answers import RESPONSE_FOR_INTENT, TERM_ENTITY, Reply, is_question_intent
from bot.language import looks_like_question, words

async def in_thread(function: Callable, *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, partial(function, *args))


def now() -> datetime:
    return utc_now()


def intent_of(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name") or ""


def reset(slots) -> List[EventType]:
    return [SlotSet(name, None) for name in slots]


def answer_question(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Answer a question asked in the middle of a form with the same content as outside it."""
    intent, text = intent_of(tracker), latest_text(tracker)
    if intent in RESPONSE_FOR_INTENT:
        dispatcher.utter_message(response=RESPONSE_FOR_INTENT[intent])
    elif intent == "ask_glossary":
        send(dispatcher, answers().explain(text, latest_entity(tracker, TERM_ENTITY)))
    else:
        send(dispatcher, answers().faq(intent))


def prompt_action(slot: str, key: str, buttons: Optional[List[Dict[str, str]]] = None,
                  text: Optional[Callable[[], str]] = None):
    """An `action_ask_<slot>` that asks with a message from content/ (or a text function)."""
    class AskSlot(Action):
        def name(self) -> Text:
            return f"action_ask_{slot}"

        async def run(self, dispatcher, tracker, domain):
            message = text() if text else answers().knowledge.messages.render(key)
            dispatcher.utter_message(text=message, buttons=buttons)
            return []

    AskSlot.__name__ = AskSlot.__qualname__ = f"ActionAsk_{slot}"
    return AskSlot


STOP_WORDS = ("abbrech", "abbruch", "stopp", "stop", "beende", "aufhoer", "aufhor", "vergiss es", "lass es",
              "cancel", "nicht mehr weiter")
STOP_CONFIDENCE = 0.6


def is_stop(tracker: Tracker) -> bool:
    """An explicit wish to stop: the stop intent with high confidence or a stop word. A weak stop
    prediction for an answer like "Video bitte" must not end a form."""
    intent = (tracker.latest_message or {}).get("intent") or {}
    if intent.get("name") != "stop":
        return False
    folded = " ".join(words(latest_text(tracker)))
    return float(intent.get("confidence") or 0) >= STOP_CONFIDENCE or any(w in folded for w in STOP_WORDS)


ANSWER_BUTTON_INTENTS = {"affirm", "deny"}   # "/affirm", "/deny" answer yes/no questions in forms


def is_other_button(tracker: Tracker) -> bool:
    """A button payload ("/intent{...}") that is neither a yes/no answer nor a question."""
    intent = intent_of(tracker)
    return (latest_text(tracker).startswith("/") and intent not in ANSWER_BUTTON_INTENTS
            and not is_question_intent(intent))


class QuestionAwareForm(FormValidationAction):
    """Questions asked while a form waits for an answer are answered; then the form asks again.

    A message counts as a question when the NLU found a question intent AND it is shaped like
    one ("Was ist ESCA?", "Gibt es eine Frist") or is a button payload. Answers that merely
    contain a term ("Cluster Nord e. V.", "www.cluster-nord.de") stay answers.
    """

    @abstractmethod
    def name(self) -> Text:
        """Abstract, so that rasa-sdk does not register this base class as an action."""

    @staticmethod
    def _is_question(tracker: Tracker) -> bool:
        text = latest_text(tracker)
        return (bool(tracker.get_slot("requested_slot")) and is_question_intent(intent_of(tracker))
                and (looks_like_question(text) or text.startswith("/")))

    async def run(self, dispatcher, tracker, domain):
        if is_stop(tracker) or is_other_button(tracker):
            # Rejecting lets the rule for this intent act: the "stop" rule ends the form (nothing
            # is stored); a button of another feature ("Angabe ändern") is not taken as an answer.
            return [ActionExecutionRejected(self.form_name())]
        if self._is_question(tracker):
            answer_question(dispatcher, tracker)
            requested = tracker.get_slot("requested_slot")
            # Setting the requested slot (back) to None counts as validation, so the form does
            # not reject; it asks for the same slot again right after the answer.
            events: List[EventType] = [SlotSet(requested, None)]
            tracker.add_slots(events)
            next_slot = await self.next_requested_slot(dispatcher, tracker, domain)
            return events + ([next_slot] if next_slot else [])
        return await super().run(dispatcher, tracker, domain)






class ActionAbortProcess(Action):
    def name(self) -> Text:
        return "action_abort_process"

    async def run(self, dispatcher, tracker, domain):
        send(dispatcher, [Reply(answers().knowledge.messages.render("booking_aborted"))])
        return reset(slots.PROCESS)
