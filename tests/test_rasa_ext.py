"""Rasa extensions that change Rasa's behaviour must keep its contract."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain

import rasa_ext  # noqa: F401  (installs the faster validation)
from rasa_ext.action_results import validate_action_result


def remote_action() -> RemoteAction:
    return RemoteAction("action_x", None)


def test_installed_when_rasa_loads_the_nlu_components():
    import rasa_ext.nlu  # noqa: F401 - Rasa imports it to build the pipeline of config.yml

    assert RemoteAction._validate_action_result is validate_action_result


def test_the_action_server_imports_no_rasa():
    """The action server is a rasa-sdk process: importing Rasa would cost seconds and hundreds of MB."""
    import subprocess
    import sys

    probe = (
        "import sys, actions.server, actions.booking, actions.handoff, actions.applications; "
        "print(sorted(m for m in sys.modules if m == 'rasa' or m.startswith('rasa.')))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "result",
    [
        {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": [{"text": "Hallo", "buttons": []}]},
        {"events": [], "responses": []},
        {},
    ],
)
def test_valid_responses_pass(result):
    assert remote_action()._validate_action_result(result) is True


@pytest.mark.parametrize(
    "result",
    [
        {"events": [{"event": "no_such_event"}]},
        {"responses": "not a list"},
        {"events": [{"event": "slot", "name": 5}]},
    ],
)
def test_invalid_responses_raise_like_rasa(result):
    from jsonschema import validate

    with pytest.raises(ValidationError) as ours:
        remote_action()._validate_action_result(result)
    with pytest.raises(ValidationError) as rasas:
        validate(result, RemoteAction.action_response_format_spec())
    assert ours.value.message.startswith(rasas.value.message)
    assert "Failed to validate Action server response" in ours.value.message
    assert Domain.empty() is not None


def test_the_rasa_server_gets_the_configured_limits():
    import asyncio
    from types import SimpleNamespace

    from bot.config import load_settings
    from rasa_ext.server import sanic_limits

    app = SimpleNamespace(config=SimpleNamespace())
    asyncio.run(sanic_limits(load_settings({}))(app, None))
    assert app.config.REQUEST_MAX_SIZE == 64 * 1024 and app.config.PROXIES_COUNT == 0
    asyncio.run(sanic_limits(load_settings({"MAX_REQUEST_BYTES": "32768", "PROXIES_COUNT": "1"}))(app, None))
    assert app.config.REQUEST_MAX_SIZE == 32768 and app.config.PROXIES_COUNT == 1
    assert app.config.REAL_IP_HEADER == "x-forwarded-for"


def test_the_rasa_server_freezes_what_it_loaded_at_start():
    import asyncio
    import gc

    from rasa_ext.server import freeze_loaded_objects

    try:
        asyncio.run(freeze_loaded_objects(None, None))
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
