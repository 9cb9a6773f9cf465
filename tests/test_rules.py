"""rasa_ext.rules predicts exactly what Rasa's RulePolicy predicts, on one long conversation made
of every test story (forms, slots, fallbacks), at every point where Rasa predicts an action, with
the fitting rules computed and remembered, and remembered ones reused."""

from __future__ import annotations

from pathlib import Path
from typing import Any, List, Tuple

import yaml
from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUtteranceReverted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ext import rules

STORIES = Path(__file__).resolve().parent / "stories"


def _long_conversation(domain: Any) -> List[Any]:
    """The events of all test stories one after another, with action_listen before each message
    and the last message taken back (UserUtteranceReverted, "undo") after each file."""
    events: List[Any] = []
    last_action = None
    for path in sorted(STORIES.glob("*.yml")):
        for story in yaml.safe_load(path.read_text("utf-8")).get("stories", []):
            for step in story.get("steps", []):
                if "intent" in step:
                    if last_action != ACTION_LISTEN_NAME:
                        events.append(ActionExecuted(ACTION_LISTEN_NAME))
                    text = (step.get("user") or "").strip() or None
                    events.append(UserUttered(text, {"name": step["intent"], "confidence": 1.0}))
                    last_action = None
                elif "action" in step:
                    events.append(ActionExecuted(step["action"]))
                    last_action = step["action"]
                elif "active_loop" in step:
                    events.append(ActiveLoop(step["active_loop"]))
                elif "slot_was_set" in step:
                    for item in step["slot_was_set"]:
                        name, value = next(iter(item.items())) if isinstance(item, dict) else (item, True)
                        if name in domain.slots:
                            events.append(SlotSet(name, value))
        events.append(UserUtteranceReverted())
        last_action = None
    return events


def _rule_policy(agent: Any) -> RulePolicy:
    nodes = agent.processor.graph_runner._instantiated_nodes.values()
    return next(node._component for node in nodes if isinstance(node._component, RulePolicy))


def _predictions(policy: RulePolicy, domain: Any, events: List[Any]) -> List[Tuple]:
    tracker = DialogueStateTracker("rules-test", domain.slots)
    result = []
    for event in events:
        tracker.update(event, domain)
        if isinstance(event, ActionExecuted) and event.action_name == ACTION_LISTEN_NAME:
            continue
        prediction, source = policy._predict(tracker, domain)
        result.append(
            (
                prediction.probabilities,
                [e.as_dict() for e in prediction.events],
                prediction.hide_rule_turn,
                prediction.is_end_to_end_prediction,
                prediction.is_no_user_prediction,
                source,
            )
        )
    return result


def test_tail_states_predict_exactly_what_rasa_predicts(rasa_agent, monkeypatch):
    domain = rasa_agent.domain
    policy = _rule_policy(rasa_agent)
    events = _long_conversation(domain)
    rules.install()
    keep = rules.tail_length(policy)
    assert keep is not None
    assert sum(isinstance(e, UserUttered) for e in events) > 4 * keep  # long enough to cut
    policy.__dict__.pop("_gocluster_possible_keys", None)
    patched = _predictions(policy, domain, events)
    assert policy._gocluster_possible_keys  # the fitting rules were remembered ...
    assert _predictions(policy, domain, events) == patched  # ... and give the same when reused
    monkeypatch.setattr(RulePolicy, "_prediction_states", getattr(RulePolicy, rules.ORIGINAL_STATES))
    monkeypatch.setattr(RulePolicy, "_find_action_from_rules", getattr(RulePolicy, rules.ORIGINAL_FIND))
    monkeypatch.setattr(RulePolicy, "_get_possible_keys", getattr(RulePolicy, rules.ORIGINAL_POSSIBLE_KEYS))
    assert patched == _predictions(policy, domain, events)
    assert any(p[0] != patched[0][0] for p in patched)  # not one prediction over and over


def test_remembered_rules_are_a_copy_and_the_memory_is_bounded(rasa_agent, monkeypatch):
    policy = _rule_policy(rasa_agent)
    rules.install()
    lookup = policy.lookup["rules"]
    states = [{"user": {"intent": "greet"}, "prev_action": {"action_name": "action_listen"}}]
    policy.__dict__.pop("_gocluster_possible_keys", None)
    first = policy._get_possible_keys(lookup, states)
    assert first == getattr(RulePolicy, rules.ORIGINAL_POSSIBLE_KEYS)(policy, lookup, states) and first
    first.clear()  # a caller changing its answer does not change the remembered one
    assert policy._get_possible_keys(lookup, states)
    monkeypatch.setattr(rules, "POSSIBLE_KEYS_CACHE", 2)
    for intent in ("affirm", "deny", "thank"):
        policy._get_possible_keys(
            lookup, [{"user": {"intent": intent}, "prev_action": {"action_name": "action_listen"}}]
        )
    assert len(policy._gocluster_possible_keys) <= 2
