"""socket.io channel of the website widget and the chat page (credentials key
`rasa_ext.webchat.WebChatInput`, channel name "socketio").

Rasa 3.6's own channel trusts the browser with the conversation: any `session_id` a client sends,
in `session_request` or with each message, becomes the sender id, so whoever knows or guesses an
id reads and continues that conversation. Here:

* Sessions are issued by the server: "<random id>.<HMAC signature>" (bot.security). A client that
  asks to resume a session must present a token this server signed; anything else gets a new
  session. Messages are attributed to the session bound to the socket at `session_request`, never
  to an id in the message.
* Only the configured web origins (CORS_ORIGINS) may open a connection: Rasa creates its server
  with `cors_allowed_origins=[]`, which turns python-engineio's origin check off.
* engine.io packets are limited to MAX_REQUEST_BYTES (python-engineio's default is 1 MB).
* Every message passes the shared door (rasa_ext.inbound): text cut, flood limit, client pseudonym.
* Behind the balancer (several Rasa servers), every engine.io session id starts with this server's
  name (RASA_NODE, e.g. "rasa2.…"): the balancer sends the polling requests and the WebSocket of a
  socket to the server that opened it, without cookies and without state of its own.
* Rasa 3.6 calls `sio.enter_room()` without `await` (a coroutine in python-socketio 5), so the
  socket never joined the session's room and answers were lost; here it is awaited.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

import engineio
import socketio
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import settings
from bot.security import issue_session_token, session_from_token
from rasa_ext.inbound import door, namespaced

logger = logging.getLogger(__name__)

CHANNEL = "socketio"
WEB_NAMESPACE = "web"  # sender ids of this channel: "web:<session id>"


class _OriginCheckingEngineIO(engineio.AsyncServer):
    """Refuses handshakes and WebSocket upgrades from origins that are not configured.

    The CORS headers of the polling requests stay with Rasa's Sanic-CORS (`rasa run --cors`, the
    same origins): python-engineio would add a second Access-Control-Allow-Origin header, and
    browsers reject a response with two.
    """

    node_prefix = ""  # "<RASA_NODE>." when the server has a name

    def _cors_headers(self, environ: Dict[str, Any]) -> List[Any]:
        return []

    def generate_id(self) -> str:
        return self.node_prefix + super().generate_id()


class _OriginCheckingSocketIO(socketio.AsyncServer):
    def _engineio_server_class(self) -> type:
        return _OriginCheckingEngineIO


def _client_address(environ: Dict[str, Any]) -> Optional[str]:
    # python-engineio's Sanic driver puts a fixed 127.0.0.1 into REMOTE_ADDR; the request knows.
    request = environ.get("sanic.request")
    return (request.remote_addr or request.ip or None) if request is not None else None


class WebChatInput(SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WebChatInput":
        credentials = credentials or {}
        return cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            credentials.get("namespace"),
            credentials.get("socketio_path", "/socket.io"),
        )

    def __init__(
        self,
        user_message_evt: Text = "user_uttered",
        bot_message_evt: Text = "bot_uttered",
        namespace: Optional[Text] = None,
        socketio_path: Optional[Text] = "/socket.io",
        allowed_origins: Optional[List[str]] = None,
        max_bytes: Optional[int] = None,
    ) -> None:
        super().__init__(
            user_message_evt, bot_message_evt, namespace, session_persistence=True, socketio_path=socketio_path
        )
        config = settings()
        self.allowed_origins = list(config.cors_origins if allowed_origins is None else allowed_origins)
        self.max_bytes = max_bytes or config.max_request_bytes
        self.node = config.rasa_node
        # socket id -> sender id of its session, and the client's address; only for open sockets.
        self._sessions: Dict[str, str] = {}
        self._addresses: Dict[str, Optional[str]] = {}

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        origins: Any = "*" if "*" in self.allowed_origins else list(self.allowed_origins)
        sio = _OriginCheckingSocketIO(
            async_mode="sanic", cors_allowed_origins=origins, max_http_buffer_size=self.max_bytes
        )
        sio.eio.node_prefix = f"{self.node}." if self.node else ""
        blueprint = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio
        namespace = self.namespace

        @blueprint.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=namespace)
        async def connect(sid: Text, environ: Dict, _auth: Optional[Dict] = None) -> bool:
            self._addresses[sid] = _client_address(environ)
            return True

        @sio.on("disconnect", namespace=namespace)
        async def disconnect(sid: Text) -> None:
            self._sessions.pop(sid, None)
            self._addresses.pop(sid, None)

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            token = requested if session_from_token(requested) else issue_session_token()
            sender_id = namespaced(WEB_NAMESPACE, session_from_token(token) or "")
            previous = self._sessions.get(sid)
            if previous and previous != sender_id:
                await sio.leave_room(sid, previous, namespace=namespace)
            self._sessions[sid] = sender_id
            # The room carries the replies of this session to every tab that holds it.
            await sio.enter_room(sid, sender_id, namespace=namespace)
            await sio.emit("session_confirm", token, room=sid, namespace=namespace)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: Text, data: Any) -> None:
            sender_id = self._sessions.get(sid)
            text = data.get("message") if isinstance(data, dict) else None
            if sender_id is None or not isinstance(text, str):
                return  # no session requested on this socket, or no text: nothing to answer
            output = SocketIOOutput(sio, self.bot_message_evt)
            # The sender id is already namespaced (it is also the room name): no prefix here.
            message = UserMessage(text, output, sender_id, input_channel=CHANNEL)
            admission = door().admit(message, self._addresses.get(sid))
            if admission.message is None:
                await output.send_text_message(sender_id, admission.notice or "")
                return
            await on_new_message(admission.message)

        return blueprint
