"""Only the buttons of the current turn are commands; any other "/…" text is text.

Rasa reads every message that starts with "/" as an intent ("/restart" restarts silently,
"/session_start" answers nothing, "/book{...}" sets entities the user typed). Installed in the Rasa
server (rasa_ext/server.py), this module reads a "/…" message as a command only when it is

* the payload of a button the assistant offered since the user's last message (also when a new
  session starts with this message), or
* the first message of a conversation (of a session the user has not written in before) naming one
  of the assistant's own intents without entities: the chat widget's greeting (`data-greeting`,
  default "/greet").

A payload of a button from an earlier turn is read as that button's title (the user clicked an old
button and means what it says); anything else is read without its slashes, as text. The message
keeps its text, marked `typed_command`, so forms do not take it for a button.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, Mapping, Optional

from rasa.core import processor as rasa_processor
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.constants import DEFAULT_INTENTS
from rasa.shared.core.events import BotUttered, SessionStarted, UserUttered

from bot.conversations import TYPED_COMMAND

_PLAIN_INTENT = re.compile(r"^/([A-Za-z0-9_]+)$")


def _buttons(event: BotUttered) -> Dict[str, str]:
    found = {}
    for button in (event.data or {}).get("buttons") or ():
        payload, title = button.get("payload"), button.get("title")
        if isinstance(payload, str) and isinstance(title, str):
            found[payload.strip()] = title
    return found


def text_to_parse(text: str, events: Iterable[Any], own_intents: Iterable[str]) -> Optional[str]:
    """The text the NLU should read instead of `text`, or None to read `text` as it is."""
    text = (text or "").strip()
    if not text.startswith("/"):
        return None
    current: Dict[str, str] = {}  # buttons offered since the user's last message
    earlier: Dict[str, str] = {}  # buttons of earlier turns of this session
    users_spoke = False
    for event in reversed(list(events)):
        if isinstance(event, SessionStarted):
            if users_spoke:
                break
            # A session that starts with this very message (after silence, or at a quiet point of
            # a long chat, rasa_ext/session_bound.py): the buttons just offered are still on screen.
            continue
        if isinstance(event, UserUttered):
            users_spoke = True
        elif isinstance(event, BotUttered):
            target = earlier if users_spoke else current
            for payload, title in _buttons(event).items():
                target.setdefault(payload, title)
    if text in current:
        return None
    plain = _PLAIN_INTENT.match(text)
    if not users_spoke and plain and plain.group(1) in set(own_intents) - set(DEFAULT_INTENTS):
        return None
    if text in earlier:
        return earlier[text]
    return text.lstrip("/").strip()


def install() -> None:
    """Patch Rasa's MessageProcessor.parse_message (3.6.21) to read typed commands as text."""
    if getattr(rasa_processor.MessageProcessor, "_gocluster_commands", False):
        return
    parse_message = rasa_processor.MessageProcessor.parse_message

    async def parse_with_commands(
        self: Any, message: UserMessage, tracker: Any = None, only_output_properties: bool = True
    ) -> Mapping[str, Any]:
        # Without a tracker (`rasa test`, /model/parse) there is no turn to compare with.
        replacement = None if tracker is None else text_to_parse(message.text, tracker.events, self.domain.intents)
        if replacement is None:
            return await parse_message(self, message, tracker, only_output_properties)
        read = UserMessage(
            replacement,
            message.output_channel,
            message.sender_id,
            message.parse_data,
            message.input_channel,
            message.message_id,
            message.metadata,
        )
        parse_data = dict(await parse_message(self, read, tracker, only_output_properties))
        parse_data["text"] = message.text
        parse_data[TYPED_COMMAND] = True
        return parse_data

    rasa_processor.MessageProcessor.parse_message = parse_with_commands
    rasa_processor.MessageProcessor._gocluster_commands = True
