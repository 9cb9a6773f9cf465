"""The REST channel (POST /webhooks/rest/webhook), for local tools, tests and benchmarks.

Unlike Rasa's own channel it checks the request before anything else happens: a malformed body
gets 400 with a reason instead of a 500 or an empty answer, a request without a usable sender is
refused instead of landing in one conversation shared by all such requests, and with
REST_CHANNEL_TOKEN set it answers only to `Authorization: Bearer <token>`. In production it is
switched off (REST_CHANNEL=off) or protected by the token: the sender id is the only thing that
identifies a conversation here. It never logs message text.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple, Union

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_ext.inbound import door, technical_fault_text

logger = logging.getLogger(__name__)

SENDER = re.compile(r"^[A-Za-z0-9._@+-]{1,80}$")
EXAMPLE = '{"sender": "nutzer-1", "message": "Was ist ESCA?"}'


def parse_body(body: bytes) -> Union[Tuple[str, str], str]:
    """(sender, message) from a request body, or the German reason why it cannot be used."""
    if not body or not body.strip():
        return f"Leerer Anfragekörper. Erwartet wird ein JSON-Objekt wie {EXAMPLE}."
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return f"Der Anfragekörper ist kein gültiges JSON. Erwartet wird ein JSON-Objekt wie {EXAMPLE}."
    if not isinstance(data, dict):
        return f"Der Anfragekörper muss ein JSON-Objekt sein, wie {EXAMPLE}."
    sender = data.get("sender")
    if not isinstance(sender, str) or not SENDER.match(sender):
        return (
            '"sender" fehlt oder ist ungültig: erwartet wird eine Zeichenkette aus 1 bis 80 Buchstaben, '
            "Ziffern oder . _ @ + - , die das Gespräch bezeichnet."
        )
    message = data.get("message")
    if message is None:
        return '"message" fehlt: erwartet wird der Text der Nachricht.'
    if not isinstance(message, str):
        return '"message" muss Text (eine Zeichenkette) sein.'
    return sender, message


def _bearer_matches(request: Request, token: str) -> bool:
    given = request.headers.get("Authorization", "")
    scheme, _, value = given.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), token.encode())


def _client_address(request: Request) -> Optional[str]:
    # remote_addr honours the proxy settings (PROXIES_COUNT); ip is the socket's peer.
    return request.remote_addr or request.ip or None


class RestInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "RestInput":
        return cls(token=(credentials or {}).get("token") or None)

    def __init__(self, token: Optional[str] = None) -> None:
        self.token = token

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("gocluster_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if self.token and not _bearer_matches(request, self.token):
                return response.json(
                    {"error": "Anmeldung erforderlich (Authorization: Bearer <Token>)."},
                    status=401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
            parsed = parse_body(request.body)
            if isinstance(parsed, str):
                return response.json({"error": parsed}, status=400)
            sender, text = parsed
            collector = CollectingOutputChannel()
            admission = door().admit(
                UserMessage(text, collector, sender, input_channel=self.name()),
                _client_address(request),
                channel=self.name(),
            )
            if admission.message is None:
                return response.json([{"recipient_id": sender, "text": admission.notice}], status=429)
            try:
                await on_new_message(admission.message)
            except CancelledError:
                logger.error("REST message timed out")
            except Exception as error:  # noqa: BLE001 - the user gets an answer; no text is logged
                logger.error("REST message failed: %s", type(error).__name__)
            replies = collector.messages or [{"text": technical_fault_text()}]
            return response.json([dict(message, recipient_id=sender) for message in replies])

        return webhook
