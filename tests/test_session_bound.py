"""rasa_ext.session_bound: a long conversation starts a new session only at a quiet point, keeps its
slots, and what is loaded per message stays bounded."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any, List

import pytest
from rasa.core.actions.action import ActionSessionStart
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.config import load_settings, settings
from rasa_ext import session_bound
from rasa_ext.tracker_store import EnvSQLTrackerStore

LIMIT = 40
LOOKBACK = frozenset({"action_finish_consultation_form", "action_clarify"})


def _turn(intent: str, action: str, *extra: Any) -> List[Any]:
    return [
        UserUttered(intent, {"name": intent, "confidence": 1.0}),
        ActionExecuted(action),
        BotUttered("…"),
        *extra,
        ActionExecuted(ACTION_LISTEN_NAME),
    ]


def _faq_turn(step: int) -> List[Any]:
    return _turn("faq_labels", "action_answer_faq", SlotSet("guide_step", step))


def _start() -> List[Any]:
    return [ActionExecuted(ACTION_SESSION_START_NAME), SessionStarted(), ActionExecuted(ACTION_LISTEN_NAME)]


@pytest.mark.parametrize(
    "last_turn, active_loop, lookback, quiet",
    [
        (_turn("faq_labels", "action_answer_faq"), None, LOOKBACK, True),
        (_turn("book", "consultation_form", ActiveLoop("consultation_form")), "consultation_form", LOOKBACK, False),
        # the booking summary waits for "ja"
        (_turn("affirm", "action_finish_consultation_form"), None, LOOKBACK, False),
        # a clarifying question: the next miss is the second in a row
        (_turn("nlu_fallback", "action_clarify"), None, LOOKBACK, False),
        (_turn("x", "action_core_fallback", UserUtteranceReverted()), None, LOOKBACK, False),
        (_turn("faq_labels", "action_answer_faq")[:-1], None, LOOKBACK, False),  # mid-turn
        (_turn("faq_labels", "action_answer_faq"), None, frozenset(), False),  # no RulePolicy known
    ],
)
def test_quiet_point(last_turn, active_loop, lookback, quiet):
    events = [*_start(), *_faq_turn(1), *last_turn]
    assert session_bound.quiet_point(events, active_loop, lookback) is quiet


@pytest.mark.parametrize(
    "events, expected",
    [
        ([], []),
        ([SlotSet("a", 1), SlotSet("b", 2), SlotSet("a", 3)], [("b", 2), ("a", 3)]),
        ([SlotSet("a", 1), ActionExecuted("x"), SlotSet("a", None)], [("a", None)]),
    ],
)
def test_each_slot_is_carried_once_with_its_last_value(events, expected):
    assert [(e.key, e.value) for e in session_bound.last_slot_sets(events)] == expected


@pytest.mark.parametrize("raw, expected", [(None, 200), ("0", 0), ("500", 500)])
def test_the_bound_comes_from_the_environment(raw, expected):
    assert load_settings({} if raw is None else {"SESSION_MAX_EVENTS": raw}).session_max_events == expected


def test_the_rules_name_the_actions_that_wait_for_an_answer(rasa_agent):
    lookback = session_bound._processor_lookback(rasa_agent.processor)
    assert {"action_finish_consultation_form", "action_clarify", "action_handle_bad_input"} <= lookback
    assert {"action_answer_faq", "action_guide", "utter_greet"}.isdisjoint(lookback)


@pytest.fixture
def bounded(monkeypatch):
    """The patch installed with LIMIT for one test; Rasa's methods back afterwards."""
    monkeypatch.setattr(MessageProcessor, "_has_session_expired", MessageProcessor._has_session_expired)
    monkeypatch.setattr(
        ActionSessionStart,
        "_slot_set_events_from_tracker",
        ActionSessionStart.__dict__["_slot_set_events_from_tracker"],
    )
    monkeypatch.setattr(MessageProcessor, "_gocluster_session_bound", False, raising=False)
    monkeypatch.setitem(session_bound._limit, "max_events", 0)
    session_bound.install(dataclasses.replace(settings(), session_max_events=LIMIT))


def _update_session(processor: Any, tracker: DialogueStateTracker) -> None:
    asyncio.run(processor._update_tracker_session(tracker, CollectingOutputChannel()))


def _tracker(domain: Any, events: List[Any]) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("bound", events, domain.slots)


def test_a_long_conversation_loads_a_bounded_session_and_keeps_its_slots(bounded, rasa_agent, tmp_path):
    processor, domain = rasa_agent.processor, rasa_agent.domain
    store = EnvSQLTrackerStore(domain=domain, host=f"sqlite:///{tmp_path / 'tracker.db'}")
    tracker = _tracker(domain, _start())
    loaded = []
    for step in range(60):  # 60 messages, 5 events each
        tracker = asyncio.run(store.retrieve("bound")) or tracker
        _update_session(processor, tracker)
        tracker.update_with_events(_faq_turn(step), domain)
        asyncio.run(store.save(tracker))
        loaded.append(len(tracker.events))
    assert max(loaded) <= LIMIT + 15  # the bound plus one turn and a session start
    assert sum(isinstance(e, SessionStarted) for e in tracker.events) == 1
    assert tracker.get_slot("guide_step") == 59
    # each cut carries each slot once: the new session does not grow from cut to cut
    assert sum(isinstance(e, SlotSet) for e in tracker.events) <= LIMIT // 5 + 2
    transcript = asyncio.run(store.retrieve_full_tracker("bound"))
    assert sum(isinstance(e, UserUttered) for e in transcript.events) == 60  # nothing lost in the store


@pytest.mark.parametrize(
    "last_turn",
    [
        _turn("book", "consultation_form", ActiveLoop("consultation_form")),
        _turn("affirm", "action_finish_consultation_form"),
        _turn("nlu_fallback", "action_clarify"),
    ],
)
def test_no_cut_inside_a_form_or_before_an_awaited_answer(bounded, rasa_agent, last_turn):
    events = [*_start()] + [e for step in range(20) for e in _faq_turn(step)] + last_turn
    tracker = _tracker(rasa_agent.domain, events)
    _update_session(rasa_agent.processor, tracker)
    assert len(tracker.events) == len(events)


def test_a_quiet_point_past_the_bound_starts_a_session_with_the_slots(bounded, rasa_agent):
    events = [*_start()] + [e for step in range(20) for e in _faq_turn(step)] + [SlotSet("draft_reference", "A-1")]
    events.append(ActionExecuted(ACTION_LISTEN_NAME))
    tracker = _tracker(rasa_agent.domain, events)
    _update_session(rasa_agent.processor, tracker)
    new = list(tracker.events)[len(events) :]
    assert [type(e) for e in new[:2]] == [ActionExecuted, SessionStarted]
    assert tracker.get_slot("guide_step") == 19 and tracker.get_slot("draft_reference") == "A-1"
    assert sum(isinstance(e, SlotSet) and e.key == "guide_step" for e in new) == 1


def test_without_the_bound_the_session_goes_on(bounded, rasa_agent, monkeypatch):
    monkeypatch.setitem(session_bound._limit, "max_events", 0)
    events = [*_start()] + [e for step in range(20) for e in _faq_turn(step)]
    tracker = _tracker(rasa_agent.domain, events)
    _update_session(rasa_agent.processor, tracker)
    assert len(tracker.events) == len(events)
