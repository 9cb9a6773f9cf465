"""The socket.io channel of the website widget (rasa_ext.channels.RestrictedSocketIOInput).

The browser tests (tests/browser) use it for real; these check the two repairs to Rasa's channel
without a server: the origin check and the session room.
"""
from __future__ import annotations

import asyncio
from pathlib import Path

import yaml

from bot.config import PROJECT_ROOT
from rasa_ext.channels import RestrictedSocketIOInput


def build(origins=("https://www.example.org",), **credentials):
    channel = RestrictedSocketIOInput.from_credentials({"session_persistence": True, **credentials})
    channel.allowed_origins = list(origins)
    channel.blueprint(lambda message: None)
    return channel


def test_credentials_use_the_restricted_channel():
    credentials = yaml.safe_load(Path(PROJECT_ROOT / "credentials.yml").read_text("utf-8"))
    assert "socketio" not in credentials
    assert credentials["rasa_ext.channels.RestrictedSocketIOInput"]["session_persistence"] is True


def test_default_origins_come_from_the_settings(monkeypatch):
    from bot.config import settings

    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example")
    settings.cache_clear()
    try:
        channel = RestrictedSocketIOInput.from_credentials({})
        assert channel.allowed_origins == ["https://a.example", "https://b.example"]
    finally:
        settings.cache_clear()


def test_only_configured_origins_may_connect():
    eio = build().sio.eio
    allowed = {"HTTP_ORIGIN": "https://www.example.org", "REQUEST_METHOD": "GET"}
    assert eio.cors_allowed_origins == ["https://www.example.org"]
    assert eio._cors_allowed_origins(allowed) == ["https://www.example.org"]
    # The CORS headers stay with Sanic-CORS (`rasa run --cors`): never a second header.
    assert eio._cors_headers(allowed) == []
    assert build(origins=("*",)).sio.eio.cors_allowed_origins == "*"


def test_session_request_joins_the_session_room():
    channel = build()
    sio = channel.sio
    joined, emitted = [], []

    async def enter_room(sid, room, namespace=None):   # python-socketio 5.x: a coroutine
        joined.append((sid, room))

    async def emit(event, data, room=None, namespace=None):
        emitted.append((event, data, room))

    sio.enter_room, sio.emit = enter_room, emit
    handler = sio.handlers["/"]["session_request"]
    asyncio.run(handler("sid-1", {"session_id": "abc123"}))
    assert joined == [("sid-1", "abc123")]
    assert emitted == [("session_confirm", "abc123", "sid-1")]

    asyncio.run(handler("sid-2", None))                  # no id: a new one is made
    assert joined[1][0] == "sid-2" and len(joined[1][1]) == 32
    assert emitted[1] == ("session_confirm", joined[1][1], "sid-2")
