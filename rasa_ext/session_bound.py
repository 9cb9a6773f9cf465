"""Bounded sessions: a long conversation starts a new session at a quiet point.

Rasa 3.6 loads and replays every event of the current session for each message, copies the tracker
by replaying it, builds the rule states from it and posts all of it to the action server. A session
ends only after 60 minutes of silence (domain.yml), so message 200 of a chat cost about four times
message 10 (README "Leistung"). The tracker store (rasa_ext/tracker_store.py) loads only the current
session; so once a session holds more than SESSION_MAX_EVENTS events, the next message starts a new
one, as after 60 minutes of silence: Rasa runs action_session_start, which carries the slots over
(carry_over_slots_to_new_session), and the cost of a message stays bounded.

Only at a quiet point, where nothing before it can still decide the next answer:

* no form (loop) is active;
* the bot's last turn did not end with an action that a rule continues from: the actions read from
  the trained RulePolicy's rules, where a rule's user turn follows a state of that action (the
  booking summary waiting for "ja", a clarifying question and with it a second "not understood" in
  a row, the deletion question …); without a RulePolicy there is no quiet point;
* the last turn took nothing back (no UserUtteranceReverted, no ActionReverted, no Restarted).

Otherwise the session goes on and the next message is asked again. Slots (the guided tour, the
draft, the booking in progress) survive the cut; the transcript for a hand-off is read from the
database across sessions (rasa_ext/conversations.py) and "Meine Daten löschen" deletes every
session. The buttons on screen when the cut happens stay buttons for the message that causes it
(rasa_ext/commands.py). What else is read from the session's events covers only the current
session, as after 60 minutes of silence: buttons of older turns and the intents listed on a
hand-off ticket.

action_session_start carries over every SlotSet event of the session (Rasa 3.6), so each cut would
carry more; here it carries the last SlotSet of each slot: the same values, a bounded number of
events. Installed in the Rasa server (rasa_ext/server.py); SESSION_MAX_EVENTS=0 turns it off.
"""

from __future__ import annotations

from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Reversible

from rasa.core import processor as rasa_processor
from rasa.core.actions.action import ActionSessionStart
from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.shared.core.constants import ACTION_LISTEN_NAME, PREVIOUS_ACTION, USER
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.config import Settings

_TAKEN_BACK = (UserUtteranceReverted, ActionReverted, Restarted)
_limit = {"max_events": 0}  # set by install(); 0: never cut


def lookback_actions(policy: RulePolicy) -> FrozenSet[str]:
    """Actions after which a rule reads the user's next message in their light: those of a rule
    state followed by a user turn (prev_action action_listen with user input)."""
    lookup = policy.lookup or {}
    found = set()
    for kind in (RULES, RULES_FOR_LOOP_UNHAPPY_PATH):
        for key in lookup.get(kind) or {}:
            states = policy._rule_key_to_state(key)
            for before, after in zip(states, states[1:], strict=False):
                previous = (after.get(PREVIOUS_ACTION) or {}).get("action_name")
                if USER in after and previous == ACTION_LISTEN_NAME:
                    action = before.get(PREVIOUS_ACTION) or {}
                    found.add(action.get("action_name") or action.get("action_text") or "")
    return frozenset(found)


def session_events(tracker: DialogueStateTracker) -> int:
    """Events of the current session (all of the tracker's, from our store; from the last
    SessionStarted with Rasa's in-memory store)."""
    count = 0
    for event in reversed(tracker.events):
        if isinstance(event, SessionStarted):
            break
        count += 1
    return count


def quiet_point(events: Reversible[Event], active_loop: Optional[str], lookback: FrozenSet[str]) -> bool:
    """Whether the conversation waits for a new message with nothing before it still deciding the answer."""
    if active_loop or not lookback:
        return False
    last_turn: List[Event] = []
    for event in reversed(events):
        if isinstance(event, (UserUttered, SessionStarted)):
            break
        last_turn.append(event)
    actions = [e.action_name for e in last_turn if isinstance(e, ActionExecuted)]
    if not actions or actions[0] != ACTION_LISTEN_NAME:
        return False  # not waiting for the user
    if any(isinstance(e, _TAKEN_BACK) for e in last_turn):
        return False
    return not any(name in lookback for name in actions if name != ACTION_LISTEN_NAME)


def should_cut(tracker: DialogueStateTracker, max_events: int, lookback: FrozenSet[str]) -> bool:
    if max_events <= 0 or len(tracker.events) <= max_events or session_events(tracker) <= max_events:
        return False
    return quiet_point(tracker.events, tracker.active_loop_name, lookback)


def _processor_lookback(processor: Any) -> FrozenSet[str]:
    """The lookback actions of the processor's RulePolicy (empty without one), once per processor."""
    cached = getattr(processor, "_gocluster_lookback", None)
    if cached is None:
        nodes = getattr(getattr(processor, "graph_runner", None), "_instantiated_nodes", {}) or {}
        policies = [n._component for n in nodes.values() if isinstance(getattr(n, "_component", None), RulePolicy)]
        cached = lookback_actions(policies[0]) if len(policies) == 1 else frozenset()
        processor._gocluster_lookback = cached
    return cached


def last_slot_sets(events: Iterable[Event]) -> List[SlotSet]:
    """The last SlotSet of each slot, in the order of those last settings: the same slot values."""
    last: Dict[str, SlotSet] = {}
    for event in events:
        if isinstance(event, SlotSet):
            last.pop(event.key, None)
            last[event.key] = event
    return [SlotSet(key=e.key, value=e.value, metadata=e.metadata) for e in last.values()]


def install(config: Settings) -> None:
    """Patch Rasa 3.6.21: MessageProcessor._has_session_expired also at the bound,
    ActionSessionStart carries each slot once."""
    _limit["max_events"] = config.session_max_events
    if getattr(rasa_processor.MessageProcessor, "_gocluster_session_bound", False):
        return
    has_session_expired = rasa_processor.MessageProcessor._has_session_expired

    def _has_session_expired(self: Any, tracker: DialogueStateTracker) -> bool:
        if has_session_expired(self, tracker):
            return True
        if not self.domain.session_config.are_sessions_enabled():
            return False
        return should_cut(tracker, _limit["max_events"], _processor_lookback(self))

    def _slot_set_events_from_tracker(tracker: DialogueStateTracker) -> List[SlotSet]:
        return last_slot_sets(tracker.applied_events())

    rasa_processor.MessageProcessor._has_session_expired = _has_session_expired  # type: ignore[method-assign]
    ActionSessionStart._slot_set_events_from_tracker = staticmethod(_slot_set_events_from_tracker)  # type: ignore[method-assign]
    rasa_processor.MessageProcessor._gocluster_session_bound = True  # type: ignore[attr-defined]
