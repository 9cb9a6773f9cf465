"""Where one message's time goes in this assistant's Rasa server, measured in-process.

    python -m bench.breakdown MODEL   (environment: the running bench action server's, see bench.run)

Loads the model into an Agent of this process (same tracker store, action endpoint, commands, fault
handling, rule policy, logging and frozen start-up objects as rasa_ext.server), wraps the stages of
Rasa's MessageProcessor with time.perf_counter and sends the bench conversations through
Agent.handle_message. Bench only: the wrappers exist in this process alone. Prints JSON:
milliseconds per message and stage, for short conversations and for messages 181-200 of one long
conversation.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
import sys
import time
from collections import defaultdict
from typing import Any, Callable, Dict, List

STAGES = {
    "nlu": "NLU (parse_message)",
    "tracker_retrieve": "tracker load (SQL + events)",
    "tracker_save": "tracker save (SQL + events)",
    "policies": "policy prediction",
    "action_payload": "serialisation tracker -> action server",
    "action_server": "action server round trip (HTTP)",
    "response_json": "serialisation response (JSON)",
    "other": "rest of Rasa (events, lock, NLG ...)",
}

_spent: Dict[str, float] = defaultdict(float)


def _timed(stage: str, function: Callable) -> Callable:
    if inspect.iscoroutinefunction(function):

        @functools.wraps(function)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await function(*args, **kwargs)
            finally:
                _spent[stage] += time.perf_counter() - started

        return async_wrapper

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            _spent[stage] += time.perf_counter() - started

    return wrapper


def _configure_logging() -> None:
    """As rasa_ext.server does (LOG_LEVEL, default INFO): debug records are not even formatted."""
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(None, None, warn_only_once=True, filter_repeated_logs=True)
    configure_structlog(None)


def _instrument() -> None:
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor
    from rasa.utils.endpoints import EndpointConfig

    from bot.config import settings
    from rasa_ext.server import install_patches
    from rasa_ext.tracker_store import EnvSQLTrackerStore

    install_patches(settings())
    MessageProcessor.parse_message = _timed("nlu", MessageProcessor.parse_message)  # type: ignore[method-assign]
    MessageProcessor._predict_next_with_tracker = _timed(  # type: ignore[method-assign]
        "policies", MessageProcessor._predict_next_with_tracker
    )
    EnvSQLTrackerStore.retrieve = _timed("tracker_retrieve", EnvSQLTrackerStore.retrieve)  # type: ignore[method-assign]
    EnvSQLTrackerStore.save = _timed("tracker_save", EnvSQLTrackerStore.save)  # type: ignore[method-assign]
    RemoteAction._action_call_format = _timed(  # type: ignore[method-assign]
        "action_payload", RemoteAction._action_call_format
    )
    EndpointConfig.request = _timed("action_server", EndpointConfig.request)  # type: ignore[method-assign]


async def _agent(model: str) -> Any:
    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints

    from bot.config import settings
    from rasa_ext.server import EFFECTIVE_ENDPOINTS, effective_endpoints, write_private

    config = settings()
    import yaml

    base = yaml.safe_load(config.endpoints_file.read_text("utf-8")) or {}
    path = write_private(config.var_dir / f"breakdown-{EFFECTIVE_ENDPOINTS}", effective_endpoints(base, config))
    return await load_agent(model_path=model, endpoints=AvailableEndpoints.read_endpoints(str(path)))


async def _measure(agent: Any, messages: List[str], sender: str) -> Dict[str, float]:
    """Milliseconds per message and stage over `messages`, sent in one conversation."""
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    _spent.clear()
    total = 0.0
    for text in messages:
        output = CollectingOutputChannel()
        started = time.perf_counter()
        await agent.handle_message(UserMessage(text, output, sender))
        json_started = time.perf_counter()
        json.dumps(output.messages)
        _spent["response_json"] += time.perf_counter() - json_started
        total += time.perf_counter() - started
    result = {stage: _spent.get(stage, 0.0) for stage in STAGES if stage != "other"}
    result["other"] = total - sum(result.values())
    result["total"] = total
    return {stage: round(seconds * 1000 / len(messages), 2) for stage, seconds in result.items()}


async def _run(model: str) -> dict:
    from bench.load import ASSISTANT_MESSAGES, LONG_CONVERSATION, WINDOW

    _configure_logging()
    _instrument()
    agent = await _agent(model)
    from rasa_ext.server import freeze_loaded_objects

    await freeze_loaded_objects(None, None)  # as the server does once it has started
    await _measure(agent, ASSISTANT_MESSAGES, "breakdown-warmup")
    short: List[Dict[str, float]] = [
        await _measure(agent, ASSISTANT_MESSAGES, f"breakdown-short-{n}") for n in range(4)
    ]
    averaged = {stage: round(sum(r[stage] for r in short) / len(short), 2) for stage in short[0]}
    rounds = LONG_CONVERSATION // len(ASSISTANT_MESSAGES) + 1
    long_messages = (ASSISTANT_MESSAGES * rounds)[:LONG_CONVERSATION]
    await _measure(agent, long_messages[:-WINDOW], "breakdown-long")
    last = await _measure(agent, long_messages[-WINDOW:], "breakdown-long")
    return {"short_conversations": averaged, "long_conversation_last_20": last}


def main() -> int:
    print(json.dumps(asyncio.run(_run(sys.argv[1]))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
