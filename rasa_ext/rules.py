"""RulePolicy without the cost that grows with the conversation.

Rasa's RulePolicy (3.6.21) turns the whole conversation into dialogue states before every
prediction (twice: once for the text, once for the intent of the last message) and then compares
only the last few of them with its rules: a rule of L turns is checked against the last L states,
and every state further back counts as matching. So the states before the last
`longest rule + 1` decide nothing, yet building them made message 200 of a conversation several
times slower than message 10 (README "Leistung").

Installed in the Rasa server (rasa_ext/server.py), this module builds the states of only that tail.
The tracker is still replayed from its start (cheap; a state depends on everything before it), and
each state of the tail is built exactly as Rasa builds it, so the rules see the same states and
predict the same actions. Rasa asks twice per prediction (text, then intent) for the same
conversation: the second time reuses the states of the first (the same tracker and domain, the
very same event objects). One place used the whole list: when no rule matches the intent, Rasa
records the states as the "prediction source"; then the full states are built as before, so even
that stays the same. Tested against Rasa's own policy (tests/test_rules.py).

Which rules fit those states (`_get_possible_keys`, every rule checked against every state of the
tail, a seventh of a message's time) depends on nothing else, and conversations run through the
same few state sequences again and again: the answer is kept per policy and rule table, keyed by the
states, for up to POSSIBLE_KEYS_CACHE sequences.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Dict, List, Optional, Set, Tuple

from rasa.core.featurizers.tracker_featurizers import MaxHistoryTrackerFeaturizer
from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

# Rasa's own methods, kept on the class by install() (tests compare with them).
ORIGINAL_STATES = "_gocluster_original_prediction_states"
ORIGINAL_FIND = "_gocluster_original_find_action_from_rules"
ORIGINAL_POSSIBLE_KEYS = "_gocluster_original_get_possible_keys"
POSSIBLE_KEYS_CACHE = 4096  # state sequences remembered per policy; emptied when full


def tail_length(policy: RulePolicy) -> Optional[int]:
    """How many of the last states can decide a rule: the longest rule's turns plus one (the
    state before it). None when the policy has no rules."""
    lookup = policy.lookup or {}
    rules = list((lookup.get(RULES) or {}).keys()) + list((lookup.get(RULES_FOR_LOOP_UNHAPPY_PATH) or {}).keys())
    if not rules:
        return None
    marker = (id(lookup.get(RULES)), len(rules))  # the lookup changes while the policy trains
    cached: Optional[Tuple[Tuple[int, int], int]] = getattr(policy, "_gocluster_tail", None)
    if cached is None or cached[0] != marker:
        cached = (marker, max(len(policy._rule_key_to_state(key)) for key in rules) + 1)
        policy._gocluster_tail = cached  # type: ignore[attr-defined]
    return cached[1]


def cached_tail_states(policy: RulePolicy, tracker: DialogueStateTracker, domain: Domain, keep: int) -> List[State]:
    """tail_states, reused while the tracker, the domain and the tracker's events are the very same
    objects (the states are a function of them); a copy, as Rasa changes the last state it gets."""
    events = tuple(tracker.events)
    cached = getattr(policy, "_gocluster_states", None)
    if (
        cached is None
        or cached[0] is not tracker
        or cached[1] is not domain
        or cached[2] != keep
        or len(cached[3]) != len(events)
        or any(a is not b for a, b in zip(cached[3], events, strict=True))
    ):
        cached = (tracker, domain, keep, events, tail_states(tracker, domain, keep))
        policy._gocluster_states = cached  # type: ignore[attr-defined]
    return copy.deepcopy(cached[4])


def tail_states(tracker: DialogueStateTracker, domain: Domain, keep: int) -> List[State]:
    """The last `keep` states of Domain.states_for_tracker_history(tracker) (without
    ignore_rule_only_turns and omit_unset_slots, as RulePolicy calls it), built the same way."""
    total = 1 + sum(isinstance(event, ActionExecuted) for event in tracker.applied_events())
    skip = max(0, total - keep)
    states = []
    for index, (prior, _hidden) in enumerate(tracker.generate_all_prior_trackers()):
        if index >= skip:
            states.append(domain._clean_state(domain.get_active_state(prior, omit_unset_slots=False)))
    return states


def cached_possible_keys(policy: RulePolicy, lookup: Dict[str, str], states: List[State]) -> Set[str]:
    """RulePolicy._get_possible_keys(lookup, states), remembered per rule table (by identity and
    size: the table is fixed once the policy is trained or loaded) and state sequence. Only the
    tail that a rule can see decides (every state further back matches any rule), so only the tail
    is keyed and checked: also where Rasa passes the whole conversation (no rule matched)."""
    keep = tail_length(policy)
    tail = states[-keep:] if keep else states
    cache: Dict[Tuple[int, int, str], Set[str]] = policy.__dict__.setdefault("_gocluster_possible_keys", {})
    key = (id(lookup), len(lookup), json.dumps(tail, sort_keys=True, default=list))
    found = cache.get(key)
    if found is None:
        if len(cache) >= POSSIBLE_KEYS_CACHE:
            cache.clear()
        found = cache[key] = getattr(RulePolicy, ORIGINAL_POSSIBLE_KEYS)(policy, lookup, tail)
    return set(found)  # callers may change their copy


def install() -> None:
    """Patch RulePolicy (Rasa 3.6.21): states of the tail only, the full states where the
    prediction source needs them."""
    if getattr(RulePolicy, ORIGINAL_STATES, None) is not None:
        return
    original_states = RulePolicy._prediction_states
    original_find = RulePolicy._find_action_from_rules
    setattr(RulePolicy, ORIGINAL_STATES, original_states)
    setattr(RulePolicy, ORIGINAL_FIND, original_find)
    setattr(RulePolicy, ORIGINAL_POSSIBLE_KEYS, RulePolicy._get_possible_keys)

    def _prediction_states(
        self: RulePolicy,
        tracker: DialogueStateTracker,
        domain: Domain,
        use_text_for_last_user_input: bool = False,
        rule_only_data: Optional[Dict[str, Any]] = None,
    ) -> List[State]:
        keep = tail_length(self)
        featurizer = self.featurizer
        if (
            getattr(self, "_gocluster_full_states", False)
            or keep is None
            or type(featurizer) is not MaxHistoryTrackerFeaturizer
        ):
            return original_states(self, tracker, domain, use_text_for_last_user_input, rule_only_data)
        # MaxHistoryTrackerFeaturizer.prediction_states for one tracker, on the tail.
        states = featurizer.slice_state_history(cached_tail_states(self, tracker, domain, keep), featurizer.max_history)
        featurizer._choose_last_user_input([states], use_text_for_last_user_input)
        return states

    def _find_action_from_rules(
        self: RulePolicy, tracker: DialogueStateTracker, domain: Domain, use_text_for_last_user_input: bool
    ) -> Tuple[Optional[str], Optional[str], bool]:
        found = original_find(self, tracker, domain, use_text_for_last_user_input)
        if found[0] is not None or use_text_for_last_user_input:
            return found  # the text's source is used only when a rule matched
        # No rule: Rasa returns the full states as the prediction source; build them as Rasa does.
        self._gocluster_full_states = True  # type: ignore[attr-defined]
        try:
            return original_find(self, tracker, domain, use_text_for_last_user_input)
        finally:
            self._gocluster_full_states = False  # type: ignore[attr-defined]

    RulePolicy._get_possible_keys = cached_possible_keys  # type: ignore[method-assign,assignment]
    RulePolicy._prediction_states = _prediction_states  # type: ignore[method-assign]
    RulePolicy._find_action_from_rules = _find_action_from_rules  # type: ignore[method-assign]
