"""Helpers shared by all forms: questions answered mid-form, prompts, worker threads."""

from __future__ import annotations

import asyncio
from abc import abstractmethod
from datetime import datetime
from functools import partial
from typing import Any, Callable, Collection, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActionExecutionRejected, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import slots
from actions.common import answers, latest_entity, latest_text, send
from bot.clock import utc_now
from bot.conversations import TYPED_COMMAND
from bot.knowledge.answers import (
    HANDOFF_NOT_UNDERSTOOD,
    RESPONSE_FOR_INTENT,
    TERM_ENTITY,
    Button,
    Reply,
    is_question_intent,
)
from bot.language import NAME_REJECTED_KINDS, looks_like_question, words


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


def prompt_action(
    slot: str, key: str, buttons: Optional[List[Dict[str, str]]] = None, text: Optional[Callable[[], str]] = None
):
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


STOP_WORDS = (
    "abbrech",
    "abbruch",
    "stopp",
    "stop",
    "beende",
    "aufhoer",
    "aufhor",
    "vergiss es",
    "lass es",
    "cancel",
    "nicht mehr weiter",
)
STOP_CONFIDENCE = 0.6


def is_stop(tracker: Tracker) -> bool:
    """An explicit wish to stop: the stop intent with high confidence or a stop word. A weak stop
    prediction for an answer like "Video bitte" must not end a form."""
    intent = (tracker.latest_message or {}).get("intent") or {}
    if intent.get("name") != "stop":
        return False
    folded = " ".join(words(latest_text(tracker)))
    return float(intent.get("confidence") or 0) >= STOP_CONFIDENCE or any(w in folded for w in STOP_WORDS)


# Wishes that leave any form when said clearly (a rule per form starts the hand-off).
ESCAPE_INTENTS = frozenset({"ask_human"})
ESCAPE_CONFIDENCE = 0.8


def is_escape(tracker: Tracker) -> bool:
    """A clear wish to talk to a person instead of answering ("Ich möchte mit einem Menschen
    sprechen"); a weak guess for an answer like "Anna Mensch" is no such wish."""
    intent = (tracker.latest_message or {}).get("intent") or {}
    return intent.get("name") in ESCAPE_INTENTS and float(intent.get("confidence") or 0) >= ESCAPE_CONFIDENCE


ANSWER_BUTTON_INTENTS = {"affirm", "deny"}  # "/affirm", "/deny" answer yes/no questions in forms


def is_button(tracker: Tracker) -> bool:
    """A click on a button of this turn; a typed "/…" text is text (rasa_ext/commands.py)."""
    return latest_text(tracker).startswith("/") and not (tracker.latest_message or {}).get(TYPED_COMMAND)


def is_other_button(tracker: Tracker) -> bool:
    """A button payload ("/intent{...}") that is neither a yes/no answer nor a question."""
    intent = intent_of(tracker)
    return is_button(tracker) and intent not in ANSWER_BUTTON_INTENTS and not is_question_intent(intent)


FAILURES_SLOT = "form_failures"  # {"slot": the question, "count": failed answers in a row}
HELP_AFTER_FAILURES = 2  # no loop longer than two: then help and ways out
_BOOKKEEPING = frozenset({"requested_slot", FAILURES_SLOT})


def free_text_hint(problem: str, field_hint: str) -> Reply:
    """The hint for a free-text answer: for one that is something else ("Ja", "Hallo", a question,
    a command, "weiß nicht") what it was (text_answer_<kind>), then what the field needs."""
    say = answers().knowledge.messages.render
    lead = say(f"text_answer_{problem}") if problem in NAME_REJECTED_KINDS else ""
    return Reply(" ".join(part for part in (lead, say(field_hint)) if part))


def answer_failed(asked: Optional[str], events: List[EventType]) -> bool:
    """Whether the answer to `asked` got the same question again: it was validated to nothing,
    nothing else was learnt from it (no other slot filled, e.g. a new slot offer) and the form
    goes on."""
    if not asked:
        return False
    changes = {e.get("name"): e.get("value") for e in events if e.get("event") == "slot"}
    if asked not in changes or changes[asked] is not None:
        return False
    if "requested_slot" in changes and changes["requested_slot"] is None:
        return False  # the answer ended the form (declined consent, database down)
    return not any(value is not None for name, value in changes.items() if name not in _BOOKKEEPING | {asked})


def failures_after(asked: str, failed: bool, previous: Any) -> Optional[Dict[str, Any]]:
    """The failure count of the question after this answer (None once an answer succeeded)."""
    if not failed:
        return None
    same = isinstance(previous, dict) and previous.get("slot") == asked
    return {"slot": asked, "count": (int(previous.get("count") or 0) if same else 0) + 1}


class QuestionAwareForm(FormValidationAction):
    """Questions asked while a form waits for an answer are answered; then the form asks again.

    A message counts as a question when the NLU found a question intent AND it is shaped like
    one ("Was ist ESCA?", "Gibt es eine Frist") or is a button payload. Answers that merely
    contain a term ("Cluster Nord e. V.", "www.cluster-nord.de") stay answers.

    An answer the form cannot use gets the validator's hint; from the second failed answer to the
    same question on, also help: an example and buttons to skip (optional questions), to talk to
    a person and to stop.
    """

    offers_handoff = True  # the hand-off form itself does not offer a hand-off

    def optional_slots(self, tracker: Tracker) -> Collection[str]:
        """Questions a user may skip: "Überspringen" answers them with "keine Angabe"
        (form_skip_answer), which their validators accept."""
        return ()

    def example(self, slot: str, tracker: Tracker) -> Optional[str]:
        """An example answer for the help, from content/messages.yml (form_example_<slot>)."""
        messages = answers().knowledge.messages
        key = f"form_example_{slot}"
        return messages.render(key) if key in messages.templates else None

    def help(self, slot: str, tracker: Tracker) -> Reply:
        say = answers().knowledge.messages.render
        example = self.example(slot, tracker)
        parts = [
            say("form_help"),
            say("form_help_example", example=example) if example else "",
            say("form_help_handoff") if self.offers_handoff else say("form_help_hotline"),
        ]
        text = " ".join(part for part in parts if part)
        buttons = []
        if slot in self.optional_slots(tracker):
            buttons.append(Button(say("form_help_skip_button"), say("form_skip_answer")))
        if self.offers_handoff:
            buttons.append(Button(say("form_help_handoff_button"), HANDOFF_NOT_UNDERSTOOD))
        buttons.append(Button(say("booking_stop_button"), "/stop"))
        return Reply(text, tuple(buttons))

    @abstractmethod
    def name(self) -> Text:
        """Abstract, so that rasa-sdk does not register this base class as an action."""

    @staticmethod
    def _is_question(tracker: Tracker) -> bool:
        text = latest_text(tracker)
        return (
            bool(tracker.get_slot("requested_slot"))
            and is_question_intent(intent_of(tracker))
            and (looks_like_question(text) or is_button(tracker))
        )

    async def run(self, dispatcher, tracker, domain):
        asked = tracker.get_slot("requested_slot")
        if asked and (is_stop(tracker) or is_other_button(tracker) or (self.offers_handoff and is_escape(tracker))):
            # Rejecting lets the rule for this intent act: the "stop" rule ends the form (nothing
            # is stored); a button of another feature ("Angabe ändern") is not taken as an answer;
            # "Ich möchte mit einem Menschen sprechen" hands off. Not while the form starts (no
            # question asked yet): then the message is the one that started it.
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
        previous = tracker.get_slot(FAILURES_SLOT)
        events = await super().run(dispatcher, tracker, domain)
        failures = failures_after(asked, answer_failed(asked, events), previous)
        if failures and failures["count"] >= HELP_AFTER_FAILURES:
            send(dispatcher, [self.help(asked, tracker)])
        if failures or previous:
            events.append(SlotSet(FAILURES_SLOT, failures))
        return events


class ActionAbortProcess(Action):
    def name(self) -> Text:
        return "action_abort_process"

    async def run(self, dispatcher, tracker, domain):
        send(dispatcher, [Reply(answers().knowledge.messages.render("booking_aborted"))])
        return reset(slots.PROCESS)
