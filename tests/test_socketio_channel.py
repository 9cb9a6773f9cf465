"""The socket.io channel of the widget and the chat page (rasa_ext.webchat.WebChatInput).

The browser tests (tests/browser) use it for real; these check without a server: the origin
check, the packet size limit, server-issued sessions, and that messages belong to the socket's
session whatever the client claims.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace

import yaml

from bot.config import PROJECT_ROOT
from bot.security import issue_session_token, session_from_token
from rasa_ext.webchat import WebChatInput


def build(origins=("https://www.example.org",), received=None):
    channel = WebChatInput.from_credentials({})
    channel.allowed_origins = list(origins)

    async def on_new_message(message):
        if received is not None:
            received.append(message)

    channel.blueprint(on_new_message)
    return channel


class FakeServer:
    """Records what the channel's handlers do with the socket.io server."""

    def __init__(self, sio):
        self.joined, self.left, self.emitted = [], [], []

        async def enter_room(sid, room, namespace=None):
            self.joined.append((sid, room))

        async def leave_room(sid, room, namespace=None):
            self.left.append((sid, room))

        async def emit(event, data, room=None, namespace=None, **_kwargs):
            self.emitted.append((event, data, room))

        sio.enter_room, sio.leave_room, sio.emit = enter_room, leave_room, emit


def handlers(channel):
    return channel.sio.handlers["/"]


def connect(channel, sid, address="192.0.2.1"):
    environ = {"sanic.request": SimpleNamespace(remote_addr="", ip=address)}
    return asyncio.run(handlers(channel)["connect"](sid, environ, None))


def test_credentials_use_the_web_chat_channel():
    credentials = yaml.safe_load(Path(PROJECT_ROOT / "credentials.yml").read_text("utf-8"))
    assert "socketio" not in credentials and "rest" not in credentials
    assert "rasa_ext.webchat.WebChatInput" in credentials and "rasa_ext.rest.RestInput" in credentials


def test_default_origins_come_from_the_settings(configure):
    configure(CORS_ORIGINS="https://a.example, https://b.example")
    assert WebChatInput.from_credentials({}).allowed_origins == ["https://a.example", "https://b.example"]


def test_only_configured_origins_may_connect():
    eio = build().sio.eio
    allowed = {"HTTP_ORIGIN": "https://www.example.org", "REQUEST_METHOD": "GET"}
    assert eio.cors_allowed_origins == ["https://www.example.org"]
    assert eio._cors_allowed_origins(allowed) == ["https://www.example.org"]
    # The CORS headers stay with Sanic-CORS (`rasa run --cors`): never a second header.
    assert eio._cors_headers(allowed) == []
    assert build(origins=("*",)).sio.eio.cors_allowed_origins == "*"


def test_packets_are_limited_to_the_request_size(configure):
    configure(MAX_REQUEST_BYTES="32768")
    assert build().sio.eio.max_http_buffer_size == 32768


def test_a_new_session_is_issued_and_signed():
    channel = build()
    server = FakeServer(channel.sio)
    connect(channel, "sid-1")
    asyncio.run(handlers(channel)["session_request"]("sid-1", None))
    ((event, token, room),) = server.emitted
    session = session_from_token(token)
    assert event == "session_confirm" and room == "sid-1" and session is not None
    assert server.joined == [("sid-1", f"web:{session}")]


def test_a_signed_session_is_resumed():
    channel = build()
    server = FakeServer(channel.sio)
    token = issue_session_token()
    asyncio.run(handlers(channel)["session_request"]("sid-1", {"session_id": token}))
    assert server.emitted == [("session_confirm", token, "sid-1")]
    assert server.joined == [("sid-1", f"web:{session_from_token(token)}")]


def test_ids_the_server_did_not_issue_are_refused():
    channel = build()
    server = FakeServer(channel.sio)
    genuine = issue_session_token()
    forged = [
        genuine[:-1] + ("0" if genuine[-1] != "0" else "1"),
        genuine.split(".")[0],
        "abc123",
        "123456789",
        {"x": 1},
        None,
        "../../etc",
        "a" * 10_000,
    ]
    for index, claimed in enumerate(forged):
        asyncio.run(handlers(channel)["session_request"](f"sid-{index}", {"session_id": claimed}))
    issued = [data for _event, data, _room in server.emitted]
    assert genuine not in issued and all(session_from_token(t) for t in issued)
    assert len(set(issued)) == len(forged)  # each got a fresh session of its own


def test_messages_belong_to_the_socket_session_not_to_a_claimed_id():
    received = []
    channel = build(received=received)
    FakeServer(channel.sio)
    connect(channel, "sid-1")
    token = issue_session_token()
    asyncio.run(handlers(channel)["session_request"]("sid-1", {"session_id": token}))
    victim = issue_session_token()
    asyncio.run(
        handlers(channel)["user_uttered"](
            "sid-1", {"message": "Hallo", "session_id": victim, "metadata": {"client": "forged"}}
        )
    )
    (message,) = received
    assert message.sender_id == f"web:{session_from_token(token)}"
    assert message.metadata.get("client") not in (None, "forged")  # set by the server, a pseudonym
    assert "192.0.2.1" not in str(message.metadata)


def test_no_message_without_a_session_or_without_text():
    received = []
    channel = build(received=received)
    FakeServer(channel.sio)
    asyncio.run(handlers(channel)["user_uttered"]("sid-x", {"message": "Hallo"}))  # no session requested
    asyncio.run(handlers(channel)["session_request"]("sid-y", None))
    for data in ({"message": 5}, {"message": None}, "Hallo", None, []):
        asyncio.run(handlers(channel)["user_uttered"]("sid-y", data))
    assert received == []


def test_long_messages_are_cut_at_the_door():
    received = []
    channel = build(received=received)
    FakeServer(channel.sio)
    asyncio.run(handlers(channel)["session_request"]("sid-1", None))
    asyncio.run(handlers(channel)["user_uttered"]("sid-1", {"message": "<script" * 100_000}))
    assert len(received[0].text) == 1001
