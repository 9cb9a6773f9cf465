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
Every message passes the shared door (rasa_ext/inbound.py): sender ids namespaced per channel,
text cut, flood limit. Who may post: Slack's signature and Bot Framework's JWT are checked by
Rasa; Telegram's secret-token header is checked here.
"""

from __future__ import annotations

import asyncio
import datetime
import hmac
import json
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

import requests
from aiogram.utils.exceptions import TelegramAPIError
from rasa.core.channels import botframework as rasa_botframework
from rasa.core.channels.botframework import BotFramework as RasaBotFramework
from rasa.core.channels.botframework import BotFrameworkInput as RasaBotFrameworkInput
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot as RasaSlackBot
from rasa.core.channels.slack import SlackInput as RasaSlackInput
from rasa.core.channels.telegram import TelegramInput as RasaTelegramInput
from rasa.core.channels.telegram import TelegramOutput as RasaTelegramOutput
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.security import derived_secret
from rasa_ext.inbound import door

logger = logging.getLogger(__name__)

# Slack Block Kit limits: section text 3000 characters, button text 75, button value 2000.
SLACK_BUTTONS_PER_BLOCK = 5
SLACK_SECTION_CHARS = 3000
SLACK_BUTTON_TEXT_CHARS = 75


def _chunks(items: List[Any], size: int) -> List[List[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


# --- Slack ----------------------------------------------------------------------------------
class SlackBot(RasaSlackBot):
    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        recipient = self.slack_channel or recipient_id
        blocks: List[Dict[str, Any]] = [
            {"type": "section", "text": {"type": "plain_text", "text": part}}
            for part in (text[i : i + SLACK_SECTION_CHARS] for i in range(0, len(text), SLACK_SECTION_CHARS))
        ]
        for row in _chunks(buttons, SLACK_BUTTONS_PER_BLOCK):
            blocks.append(
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "text": {"type": "plain_text", "text": button["title"][:SLACK_BUTTON_TEXT_CHARS]},
                            "value": button["payload"],
                        }
                        for button in row
                    ],
                }
            )
        await self._post_message(channel=recipient, as_user=True, text=text, blocks=blocks)


class SlackInput(RasaSlackInput):
    def get_output_channel(self, channel: Optional[Text] = None, thread_id: Optional[Text] = None) -> OutputChannel:
        return SlackBot(self.slack_token, channel or self.slack_channel, thread_id, self.proxy)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(door().wrap(self.name(), on_new_message))

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
                return response.text("Message is not properly signed with a valid X-Slack-Signature header", status=400)
            return response.json({"challenge": body.get("challenge")})

        return blueprint


# --- Bot Framework (Microsoft Teams) --------------------------------------------------------
def card_action(button: Dict[Text, Any]) -> Dict[Text, Any]:
    """A Rasa button as Bot Framework CardAction: links open, everything else messages back."""
    payload = button.get("payload") or button.get("url") or ""
    if button.get("url") or payload.startswith(("http://", "https://")):
        return {"type": "openUrl", "title": button["title"], "value": payload}
    # The chat shows the title as the user's message; the bot receives the payload as text.
    return {
        "type": "messageBack",
        "title": button["title"],
        "displayText": button["title"],
        "text": payload,
        "value": payload,
    }


class BotFramework(RasaBotFramework):
    """Hero cards with CardActions; access tokens from the bot's own tenant; HTTP off the event loop.

    Rasa fetches the token from the tenant "botframework.com", which only multi-tenant app
    registrations may use; Azure creates new bots single-tenant only (since 31 July 2025). Rasa also
    posts with blocking `requests` calls inside the event loop, which stalls every channel.
    """

    def __init__(
        self,
        app_id: Text,
        app_password: Text,
        conversation: Dict[Text, Any],
        bot: Text,
        service_url: Text,
        tenant_id: Optional[Text] = None,
    ) -> None:
        super().__init__(app_id, app_password, conversation, bot, service_url)
        self.tenant_id = tenant_id or "botframework.com"

    @property
    def token_url(self) -> Text:
        return f"{rasa_botframework.MICROSOFT_OAUTH2_URL}/{self.tenant_id}/oauth2/v2.0/token"

    async def _get_headers(self) -> Optional[Dict[Text, Any]]:
        # The token is cached on Rasa's class, as Rasa does (one bot per server).
        if RasaBotFramework.token_expiration_date >= datetime.datetime.now():
            return RasaBotFramework.headers
        payload = {
            "client_id": self.app_id,
            "client_secret": self.app_password,
            "grant_type": "client_credentials",
            "scope": "https://api.botframework.com/.default",
        }
        token_response = await asyncio.to_thread(requests.post, self.token_url, data=payload, timeout=30)
        if not token_response.ok:
            logger.error("Could not get a Bot Framework token: HTTP %s", token_response.status_code)
            return None
        token = token_response.json()
        # Renewed a minute early, so no request goes out with a token that expires on the way.
        RasaBotFramework.token_expiration_date = datetime.datetime.now() + datetime.timedelta(
            seconds=int(token["expires_in"]) - 60
        )
        RasaBotFramework.headers = {
            "content-type": "application/json",
            "Authorization": f"Bearer {token['access_token']}",
        }
        return RasaBotFramework.headers

    async def send(self, message_data: Dict[Text, Any]) -> None:
        uri = f"{self.global_uri}conversations/{self.conversation['id']}/activities"
        headers = await self._get_headers()
        send_response = await asyncio.to_thread(
            requests.post, uri, headers=headers, data=json.dumps(message_data), timeout=30
        )
        if not send_response.ok:
            logger.error("Error sending a Bot Framework message: HTTP %s", send_response.status_code)

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
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
                message.output_channel = BotFramework(
                    out.app_id,
                    out.app_password,
                    out.conversation,
                    out.bot,
                    out.global_uri[: -len("v3/")],
                    self.tenant_id,
                )
            return await behind_door(message)

        behind_door = door().wrap(self.name(), on_new_message)
        return super().blueprint(with_native_buttons)


# --- Telegram -------------------------------------------------------------------------------
class TelegramOutput(RasaTelegramOutput):
    async def send_text_with_buttons(
        self,
        recipient_id: Text,
        text: Text,
        buttons: List[Dict[Text, Any]],
        button_type: Optional[Text] = None,
        **kwargs: Any,
    ) -> None:
        await super().send_text_with_buttons(
            recipient_id, text, buttons, button_type=button_type or "vertical", **kwargs
        )


CALLBACK_QUERY_ID = "telegram_callback_query_id"
TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def _telegram_text(text: Optional[Text]) -> Optional[Text]:
    """Telegram's start command ("/start", "/start <parameter>") as a greeting."""
    if text and (text == "/start" or text.startswith("/start ")):
        return "/greet"
    return text


class TelegramInput(RasaTelegramInput):
    """Rasa's Telegram connector, answering only to Telegram.

    Telegram signs nothing, but it sends the `secret_token` given to setWebhook in the header
    X-Telegram-Bot-Api-Secret-Token with every update; an update without it is refused. The secret
    comes from TELEGRAM_SECRET_TOKEN or is derived from the secret key. Rasa's GET/POST
    /set_webhook route (anyone could re-register the webhook without the secret) is closed: the
    webhook is registered at start-up.
    """

    secret_token: str = ""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "TelegramInput":
        channel = super().from_credentials(credentials)
        channel.secret_token = (credentials or {}).get("secret_token") or derived_secret("telegram-webhook")
        return channel

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        update = request.json if isinstance(request.json, dict) else {}
        query_id = (update.get("callback_query") or {}).get("id")
        return {CALLBACK_QUERY_ID: query_id} if query_id else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        behind_door = door().wrap(self.name(), on_new_message)

        async def handle(message: UserMessage) -> Any:
            query_id = (message.metadata or {}).get(CALLBACK_QUERY_ID)
            if query_id and isinstance(message.output_channel, RasaTelegramOutput):
                try:  # ends the progress indicator on the tapped button
                    await message.output_channel.answer_callback_query(query_id)
                except TelegramAPIError as error:
                    logger.warning("Telegram answerCallbackQuery failed: %s", type(error).__name__)
            message.text = _telegram_text(message.text)
            return await behind_door(message)

        blueprint = super().blueprint(handle)

        @blueprint.middleware("request")
        async def only_from_telegram(request: Request) -> Optional[HTTPResponse]:
            path = request.path.rstrip("/")
            if path.endswith("/set_webhook"):
                return response.text("Not Found", status=404)
            if not path.endswith("/webhook"):
                return None
            if request.method != "POST":
                return response.text("Method Not Allowed", status=405)
            given = request.headers.get(TELEGRAM_SECRET_HEADER, "")
            if not hmac.compare_digest(given.encode("utf-8"), self.secret_token.encode("utf-8")):
                return response.text("Forbidden", status=403)
            return None

        return blueprint

    def get_output_channel(self) -> TelegramOutput:
        channel = TelegramOutput(self.access_token)

        async def set_webhook() -> None:
            try:  # aiogram 2.15's set_webhook() does not know secret_token yet
                await channel.request("setWebhook", {"url": self.webhook_url, "secret_token": self.secret_token})
            finally:
                await channel.session.close()  # the session must not outlive this event loop

        try:
            asyncio.run(set_webhook())
        except TelegramAPIError as error:
            raise RasaException("Failed to set channel webhook: " + str(error)) from error
        return channel
