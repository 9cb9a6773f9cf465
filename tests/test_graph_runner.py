"""rasa_ext.graph_runner gives what Rasa's DaskGraphRunner gives: the same parse of every message
and the same policy prediction at every point of a long conversation, on the trained model."""

from __future__ import annotations

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ext.graph_runner import SequentialGraphRunner
from tests.test_rules import _long_conversation

MESSAGES = ["Was ist ESCA?", "Hallo", "Ich möchte einen Beratungstermin buchen", "ja", "qwrtzp", "", "x" * 3000]
PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER = "__message__", "__tracker__"


@pytest.fixture(scope="module")
def runners(rasa_agent):
    dask_runner = rasa_agent.processor.graph_runner
    assert type(dask_runner) is DaskGraphRunner  # the agent of the tests is loaded without the patch
    sequential = SequentialGraphRunner.__new__(SequentialGraphRunner)
    sequential.__dict__.update(dask_runner.__dict__)  # the same nodes, already loaded
    sequential._plans = {}
    return dask_runner, sequential, rasa_agent.processor.model_metadata


def _parse(runner, metadata, text):
    message = UserMessage(text, sender_id="parse")
    tracker = DialogueStateTracker("parse", [])
    result = runner.run(
        inputs={PLACEHOLDER_MESSAGE: [message], PLACEHOLDER_TRACKER: tracker}, targets=[metadata.nlu_target]
    )
    parsed = result[metadata.nlu_target][0]
    return {key: parsed.get(key) for key in ("text", "intent", "intent_ranking", "entities")}


@pytest.mark.parametrize("text", MESSAGES)
def test_the_same_parse_as_dask(runners, text):
    dask_runner, sequential, metadata = runners
    assert _parse(sequential, metadata, text) == _parse(dask_runner, metadata, text)


def test_the_same_predictions_as_dask_along_a_long_conversation(runners, rasa_agent):
    dask_runner, sequential, metadata = runners
    domain = rasa_agent.domain
    events = _long_conversation(domain)
    compared = 0
    for end in range(1, len(events) + 1):
        if not isinstance(events[end - 1], (UserUttered, ActionExecuted)) or (
            isinstance(events[end - 1], ActionExecuted) and events[end - 1].action_name == ACTION_LISTEN_NAME
        ):
            continue
        tracker = DialogueStateTracker.from_events("runner", events[:end], domain.slots)
        inputs = {PLACEHOLDER_TRACKER: tracker}
        expected = dask_runner.run(inputs=dict(inputs), targets=[metadata.core_target])[metadata.core_target]
        assert sequential.run(inputs=dict(inputs), targets=[metadata.core_target])[metadata.core_target] == expected
        compared += 1
    assert compared > 300


def test_an_input_named_like_a_node_is_refused_as_by_dask(runners):
    _, sequential, metadata = runners
    with pytest.raises(GraphRunError):
        sequential.run(inputs={PLACEHOLDER_TRACKER: metadata.nlu_target}, targets=[metadata.nlu_target])
