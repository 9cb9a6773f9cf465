"""Every message gets a German answer, also when the action server is down, slow or failing.

Rasa 3.6 waits up to five minutes for a custom action and, when the call fails, logs the error
and goes on without a word to the user ("the actions events are lost"). Installed in the Rasa
server (rasa_ext/server.py), this module

* limits the wait to ACTIONS_TIMEOUT_SECONDS (default 6 s),
* answers a failed custom action with the message of content/faults.yml that fits what the user
  was doing (booking, ticket, deletion, draft, …; bot/faults.py), once per turn,
* ends the turn there, listening: the next message is handled as a fresh turn, and forms keep
  what they had (the failed step's events are lost, nothing is half-written).
"""

from __future__ import annotations

import logging
from typing import Any, List

from rasa.core import processor as rasa_processor
from rasa.core.actions import action as rasa_action
from rasa.core.actions.action import ActionExecutionRejection
from rasa.shared.core.events import ActionExecuted, ActionExecutionRejected, BotUttered, Event, UserUttered
from rasa.utils import endpoints as rasa_endpoints

from bot.config import Settings
from bot.faults import Faults, load_faults

logger = logging.getLogger(__name__)

FAULT_MARKER = "gocluster_fault"  # metadata of the fault message, so a turn gets it once
LISTEN = "action_listen"


def _already_told(tracker: Any) -> bool:
    """A fault message went out since the user's last message."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and (event.metadata or {}).get(FAULT_MARKER):
            return True
    return False


def fault_events(faults: Faults, action_name: str, tracker: Any) -> List[Event]:
    """What a failed custom action leaves in the conversation: one German message, then listening."""
    events: List[Event] = []
    if not _already_told(tracker):
        events.append(BotUttered(text=faults.for_action(action_name), metadata={FAULT_MARKER: True}))
    return events + [ActionExecuted(LISTEN)]


def install(settings: Settings) -> None:
    timeout = settings.actions_timeout_seconds
    rasa_action.DEFAULT_REQUEST_TIMEOUT = timeout  # the action call itself
    rasa_endpoints.DEFAULT_REQUEST_TIMEOUT = timeout  # the client session it runs in
    faults = load_faults(settings.content_dir)
    if getattr(rasa_processor.MessageProcessor, "_gocluster_faults", False):
        return

    async def _run_action(self: Any, action: Any, tracker: Any, output_channel: Any, nlg: Any, prediction: Any) -> bool:
        # Rasa's MessageProcessor._run_action (3.6.21), with a German answer where Rasa logs and
        # continues silently.
        try:
            temporary_tracker = tracker.copy()
            temporary_tracker.update_with_events(prediction.events, self.domain)
            events = await action.run(output_channel, nlg, temporary_tracker, self.domain)
        except ActionExecutionRejection:
            rejected = ActionExecutionRejected(action.name(), prediction.policy_name, prediction.max_confidence)
            tracker.update(rejected)
            return self.should_predict_another_action(action.name())
        except Exception as error:  # noqa: BLE001 - whatever failed, the user gets an answer
            logger.error("Custom action %s failed: %s", action.name(), type(error).__name__)
            events = fault_events(faults, action.name(), tracker)
            self._log_action_on_tracker(tracker, action, events, prediction)
            await self.execute_side_effects(events, tracker, output_channel)
            return False
        self._log_action_on_tracker(tracker, action, events, prediction)
        if any(isinstance(e, UserUttered) for e in events):
            tracker = await self.run_action_extract_slots(output_channel, tracker)
        if action.name() != LISTEN and not action.name().startswith(rasa_processor.UTTER_PREFIX):
            self._log_slots(tracker)
        await self.execute_side_effects(events, tracker, output_channel)
        return self.should_predict_another_action(action.name())

    rasa_processor.MessageProcessor._run_action = _run_action
    rasa_processor.MessageProcessor._gocluster_faults = True
