"""Messenger channels with native buttons (referenced by module path in the credentials).

Rasa 3.6's own connectors lose or garble the assistant's buttons:

* Slack (`SlackBot`) drops *all* buttons of a message with more than five ("Was kannst du?" has
  six). Here the buttons go into several `actions` blocks of at most five. Slack's check of the
  Request URL (url_verification) is answered with {"challenge": ...}.
* Bot Framework (`BotFramework`) puts Rasa's button dicts ({"title", "payload"}) into the hero card
  unchanged; a CardAction needs a `type`, and Teams ignores buttons without a supported one. Here
  they become `messageBack` actions: the user sees the title, the bot receives the payload.
  Tokens come from the bot's tenant (BOTFRAMEWORK_TENANT_ID; new Azure bots are single-tenant)
  and HTTP calls run off the event loop (see `BotFramework`).
* Telegram (`TelegramOutput`) puts all inline buttons into one row, where six German titles are
  cut off on a phone. Here each button gets its own row unless the message asks for a layout.
  Rasa's `TelegramInput` also sets the webhook with `asyncio.run()` at start-up, which leaves the
  bot's aiohttp session bound to that closed loop: every reply then fails with "Event loop is
  closed" (aiogram 2.15, aiohttp 3.9). Here the session is closed in that loop, so the first reply
  opens a new one in the server's loop.
  Telegram sends "/start" as the first message of every chat; Rasa would read it as an unknown
  intent ("nicht verstanden"). Here it becomes a greeting. A tapped inline button is confirmed
  with answerCallbackQuery, which Rasa omits (the button would show a progress indicator).

The webhook URLs are unchanged (/webhooks/slack/webhook etc.): the input channels keep their names.
"""
from __future__ import annotations

import asyncio
import datetime
import inspect
import json
import logging
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

import engineio
import requests
import socketio
from aiogram.utils.exceptions import TelegramAPIError
from rasa.core.channels import botframework as rasa_botframework
from rasa.core.channels import socketio as rasa_socketio
from rasa.core.channels.botframework import BotFramework as RasaBotFramework
from rasa.core.channels.botframework import BotFrameworkInput as RasaBotFrameworkInput
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot as RasaSlackBot
from rasa.core.channels.slack import SlackInput as RasaSlackInput
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from rasa.core.channels.telegram import TelegramInput as RasaTelegramInput
from rasa.core.channels.telegram import TelegramOutput as RasaTelegramOutput
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

# Slack Block Kit limits: section text 3000 characters, button text 75, button value 2000.
SLACK_BUTTONS_PER_BLOCK = 5
SLACK_SECTION_CHARS = 3000
SLACK_BUTTON_TEXT_CHARS = 75


def _chunks(items: List[Any], size: int) -> List[List[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


# --- Slack ----------------------------------------------------------------------------------
class SlackBot(RasaSlackBot):
    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]],
                                     **kwargs: Any) -> None:
        recipient = self.slack_channel or recipient_id
        blocks: List[Dict[str, Any]] = [
            {"type": "section", "text": {"type": "plain_text", "text": part}}
            for part in (text[i:i + SLACK_SECTION_CHARS] for i in range(0, len(text), SLACK_SECTION_CHARS))
        ]
        for row in _chunks(buttons, SLACK_BUTTONS_PER_BLOCK):
            blocks.append({
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": button["title"][:SLACK_BUTTON_TEXT_CHARS]},
                        "value": button["payload"],
                    }
                    for button in row
                ],
            })
        await self._post_message(channel=recipient, as_user=True, text=text, blocks=blocks)


class SlackInput(RasaSlackInput):
    def get_output_channel(self, channel: Optional[Text] = None, thread_id: Optional[Text] = None) -> OutputChannel:
        return SlackBot(self.slack_token, channel or self.slack_channel, thread_id, self.proxy)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)

        @blueprint.middleware("request")
        async def url_verification(request: Request) -> Optional[HTTPResponse]:
            """Answers Slack's check of the Request URL with {"challenge": ...}, one of the forms Slack
            documents; Rasa answers with a bare JSON string."""
            if request.method != "POST" or request.headers.get("content-type") != "application/json":
                return None
            body = request.json
            if not isinstance(body, dict) or body.get("type") != "url_verification":
                return None
            if not self.is_request_from_slack_authentic(request):
                return response.text("Message is not properly signed with a valid X-Slack-Signature header",
                                     status=400)
            return response.json({"challenge": body.get("challenge")})

        return blueprint


# --- Bot Framework (Microsoft Teams) --------------------------------------------------------
def card_action(button: Dict[Text, Any]) -> Dict[Text, Any]:
    """A Rasa button as Bot Framework CardAction: links open, everything else messages back."""
    payload = button.get("payload") or button.get("url") or ""
    if button.get("url") or payload.startswith(("http://", "https://")):
        return {"type": "openUrl", "title": button["title"], "value": payload}
    # The chat shows the title as the user's message; the bot receives the payload as text.
    return {"type": "messageBack", "title": button["title"], "displayText": button["title"],
            "text": payload, "value": payload}


class BotFramework(RasaBotFramework):
    """Hero cards with CardActions; access tokens from the bot's own tenant; HTTP off the event loop.

    Rasa fetches the token from the tenant "botframework.com", which only multi-tenant app
    registrations may use; Azure creates new bots single-tenant only (since 31 July 2025). Rasa also
    posts with blocking `requests` calls inside the event loop, which stalls every channel.
    """

    def __init__(self, app_id: Text, app_password: Text, conversation: Dict[Text, Any], bot: Text,
                 service_url: Text, tenant_id: Optional[Text] = None) -> None:
        super().__init__(app_id, app_password, conversation, bot, service_url)
        self.tenant_id = tenant_id or "botframework.com"

    @property
    def token_url(self) -> Text:
        return f"{rasa_botframework.MICROSOFT_OAUTH2_URL}/{self.tenant_id}/oauth2/v2.0/token"

    async def _get_headers(self) -> Optional[Dict[Text, Any]]:
        # The token is cached on Rasa's class, as Rasa does (one bot per server).
        if RasaBotFramework.token_expiration_date >= datetime.datetime.now():
            return RasaBotFramework.headers
        payload = {"client_id": self.app_id, "client_secret": self.app_password,
                   "grant_type": "client_credentials", "scope": "https://api.botframework.com/.default"}
        token_response = await asyncio.to_thread(requests.post, self.token_url, data=payload, timeout=30)
        if not token_response.ok:
            logger.error(f"Could not get a Bot Framework token from {self.token_url}: {token_response.text}")
            return None
        token = token_response.json()
        # Renewed a minute early, so no request goes out with a token that expires on the way.
        RasaBotFramework.token_expiration_date = datetime.datetime.now() + datetime.timedelta(
            seconds=int(token["expires_in"]) - 60)
        RasaBotFramework.headers = {"content-type": "application/json",
                                    "Authorization": f"Bearer {token['access_token']}"}
        return RasaBotFramework.headers

    async def send(self, message_data: Dict[Text, Any]) -> None:
        uri = f"{self.global_uri}conversations/{self.conversation['id']}/activities"
        headers = await self._get_headers()
        send_response = await asyncio.to_thread(requests.post, uri, headers=headers, data=json.dumps(message_data),
                                                timeout=30)
        if not send_response.ok:
            logger.error(f"Error sending a Bot Framework message: {send_response.status_code} {send_response.text}")

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]],
                                     **kwargs: Any) -> None:
        hero = {
            "contentType": "application/vnd.microsoft.card.hero",
            "content": {"text": text, "buttons": [card_action(b) for b in buttons]},
        }
        await self.send(self.prepare_message(recipient_id, {"attachments": [hero]}))


class BotFrameworkInput(RasaBotFrameworkInput):
    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "BotFrameworkInput":
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(credentials.get("app_id"), credentials.get("app_password"), credentials.get("tenant_id"))

    def __init__(self, app_id: Text, app_password: Text, tenant_id: Optional[Text] = None) -> None:
        super().__init__(app_id, app_password)
        self.tenant_id = tenant_id

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # Rasa builds its BotFramework output inside the webhook; swap in ours for every message.
        async def with_native_buttons(message: UserMessage) -> Any:
            out = message.output_channel
            if type(out) is RasaBotFramework:
                message.output_channel = BotFramework(out.app_id, out.app_password, out.conversation,
                                                      out.bot, out.global_uri[: -len("v3/")], self.tenant_id)
            return await on_new_message(message)

        return super().blueprint(with_native_buttons)


# --- Telegram -------------------------------------------------------------------------------
class TelegramOutput(RasaTelegramOutput):
    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]],
                                     button_type: Optional[Text] = None, **kwargs: Any) -> None:
        await super().send_text_with_buttons(recipient_id, text, buttons, button_type=button_type or "vertical",
                                             **kwargs)


CALLBACK_QUERY_ID = "telegram_callback_query_id"


def _telegram_text(text: Optional[Text]) -> Optional[Text]:
    """Telegram's start command ("/start", "/start <parameter>") as a greeting."""
    if text and (text == "/start" or text.startswith("/start ")):
        return "/greet"
    return text


class TelegramInput(RasaTelegramInput):
    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        update = request.json if isinstance(request.json, dict) else {}
        query_id = (update.get("callback_query") or {}).get("id")
        return {CALLBACK_QUERY_ID: query_id} if query_id else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def handle(message: UserMessage) -> Any:
            query_id = (message.metadata or {}).get(CALLBACK_QUERY_ID)
            if query_id and isinstance(message.output_channel, RasaTelegramOutput):
                try:   # ends the progress indicator on the tapped button
                    await message.output_channel.answer_callback_query(query_id)
                except TelegramAPIError as error:
                    logger.warning(f"Telegram answerCallbackQuery failed: {error}")
            message.text = _telegram_text(message.text)
            return await on_new_message(message)

        return super().blueprint(handle)

    def get_output_channel(self) -> TelegramOutput:
        channel = TelegramOutput(self.access_token)

        async def set_webhook() -> None:
            try:
                await channel.set_webhook(url=self.webhook_url)
            finally:
                await channel.session.close()   # the session must not outlive this event loop

        try:
            asyncio.run(set_webhook())
        except TelegramAPIError as error:
            raise RasaException("Failed to set channel webhook: " + str(error)) from error
        return channel


# --- socket.io (website widget) -------------------------------------------------------------
class _OriginCheckingEngineIO(engineio.AsyncServer):
    """Refuses handshakes and WebSocket upgrades from origins that are not configured.

    The CORS headers of the polling requests stay with Rasa's Sanic-CORS (`rasa run --cors`, the
    same origins): python-engineio would add a second Access-Control-Allow-Origin header, and
    browsers reject a response with two.
    """

    def _cors_headers(self, environ: Dict[str, Any]) -> List[Any]:
        return []


class _OriginCheckingSocketIO(socketio.AsyncServer):
    def _engineio_server_class(self) -> type:
        return _OriginCheckingEngineIO


class RestrictedSocketIOInput(RasaSocketIOInput):
    """Rasa's socket.io channel, open only to the configured web origins (CORS_ORIGINS).

    Rasa 3.6 creates its socket.io server with `cors_allowed_origins=[]`, which in python-engineio
    turns the origin check off: any web site could open a WebSocket to the bot and talk to it in
    its visitors' names. Same events, path and session persistence as Rasa's channel.

    It also repairs session persistence: Rasa 3.6 calls `sio.enter_room()` without `await`, but in
    python-socketio 5.x's AsyncServer that is a coroutine, so the socket never joined the
    session's room and every answer (sent to that room) was lost.
    """

    def __init__(self, *args: Any, allowed_origins: Optional[List[str]] = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if allowed_origins is None:
            from bot.config import settings

            allowed_origins = list(settings().cors_origins)
        self.allowed_origins = allowed_origins

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        origins = "*" if "*" in self.allowed_origins else list(self.allowed_origins)

        def restricted_server(*args: Any, **kwargs: Any) -> socketio.AsyncServer:
            kwargs["cors_allowed_origins"] = origins
            return _OriginCheckingSocketIO(*args, **kwargs)

        # Rasa builds its server inside blueprint() from the module's `AsyncServer` name; the rest
        # of its channel (events, rooms, session persistence) is used unchanged.
        original = rasa_socketio.AsyncServer
        rasa_socketio.AsyncServer = restricted_server
        try:
            blueprint = super().blueprint(on_new_message)
        finally:
            rasa_socketio.AsyncServer = original
        sio = self.sio
        assert sio is not None

        # Replaces Rasa's handler of the same event (python-socketio keeps one per event).
        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            session_id = requested if isinstance(requested, str) and requested else uuid.uuid4().hex
            if self.session_persistence:
                joined = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(joined):
                    await joined
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        return blueprint
