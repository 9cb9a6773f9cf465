"""The door every chat message passes, whatever the channel.

* Sender ids are namespaced per channel ("telegram:123", "web:…", "rest:…"): an id that is not
  secret on one channel (a Telegram user id) cannot be replayed on another (REST) to read or
  continue that person's conversation. Output channels get the id without the namespace back.
* The text is cut to what can be interpreted (bot.textguard.cut) before Rasa stores or parses it.
* Metadata is set here only, never taken from the client: a pseudonym of the client's network
  address for rate limits (the action server reads it), nothing else.
* A flood of messages from one conversation or one address is answered at the door with a German
  notice, without reaching the language understanding. These counters are per process on purpose:
  they protect the process; limits that must hold across servers (bookings, look-ups, tickets,
  mails, logins) are counted in the database by the use cases.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Deque, Dict, Optional, Text

from rasa.core.channels.channel import OutputChannel, UserMessage

from bot import textguard
from bot.config import Settings, settings
from bot.faults import GENERAL, load_faults
from bot.knowledge.content import load_messages
from bot.requester import CLIENT_METADATA_KEY
from bot.security import pseudonym

NAMESPACE_SEPARATOR = ":"
TRACKED_KEYS = 50_000  # bounded memory under a flood of new ids

Handler = Callable[[UserMessage], Awaitable[Any]]


def namespaced(channel: str, sender_id: str) -> str:
    return f"{channel}{NAMESPACE_SEPARATOR}{sender_id}"


def without_namespace(sender_id: str) -> str:
    return sender_id.split(NAMESPACE_SEPARATOR, 1)[1] if NAMESPACE_SEPARATOR in sender_id else sender_id


def client_key(address: Optional[str]) -> Optional[str]:
    return pseudonym(address, "client") if address else None


class _LocalWindow:
    """Sliding-window counter per key, in memory (see module doc for why not in the database)."""

    def __init__(self, count: int, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.count, self.seconds, self._clock = count, seconds, clock
        self._events: "OrderedDict[str, Deque[float]]" = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: Optional[str]) -> bool:
        if not key:
            return True
        now = self._clock()
        with self._lock:
            events = self._events.pop(key, None) or deque()
            while events and events[0] <= now - self.seconds:
                events.popleft()
            allowed = len(events) < self.count
            if allowed:
                events.append(now)
            self._events[key] = events
            while len(self._events) > TRACKED_KEYS:
                self._events.popitem(last=False)
        return allowed


class _StrippedOutput(OutputChannel):
    """Passes replies on to the channel's own output with the sender id it knows."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner

    def name(self) -> Text:  # type: ignore[override]
        return self.inner.name()

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        await self.inner.send_response(without_namespace(recipient_id), message)


@dataclass(frozen=True)
class Admission:
    """What the door decided: the message to hand on, or a notice for the sender instead."""

    message: Optional[UserMessage]
    notice: Optional[str] = None


class Door:
    def __init__(self, config: Optional[Settings] = None, clock: Callable[[], float] = time.monotonic) -> None:
        config = config or settings()
        per_conversation = config.rate_limit("messages_per_conversation")
        per_client = config.rate_limit("messages_per_client")
        self._conversations = _LocalWindow(per_conversation.count, per_conversation.window.total_seconds(), clock)
        self._clients = _LocalWindow(per_client.count, per_client.window.total_seconds(), clock)

    def admit(
        self,
        message: UserMessage,
        client_address: Optional[str] = None,
        *,
        channel: Optional[str] = None,
        strip_output: bool = False,
    ) -> Admission:
        """The message as Rasa should see it (mutates and returns `message`).

        `channel`: prefix the sender id with it (None: the id is namespaced already).
        `strip_output`: give the channel's output its own, unprefixed id back.
        """
        if channel:
            message.sender_id = namespaced(channel, message.sender_id)
        message.text = textguard.cut(message.text) if message.text is not None else None
        key = client_key(client_address)
        message.metadata = {CLIENT_METADATA_KEY: key} if key else {}
        if strip_output and message.output_channel is not None:
            message.output_channel = _StrippedOutput(message.output_channel)
        # Both windows count every message, so a refused flood keeps being refused.
        conversation_ok = self._conversations.allow(message.sender_id)
        client_ok = self._clients.allow(key)
        if not (conversation_ok and client_ok):
            return Admission(None, too_many_messages_text())
        return Admission(message)

    def wrap(self, channel: str, on_new_message: Handler) -> Handler:
        """`on_new_message` behind the door, for messenger channels that build the UserMessage
        themselves (their callers are the messenger's servers: no client address to count)."""

        async def handle(message: UserMessage) -> Any:
            admission = self.admit(message, channel=channel, strip_output=True)
            if admission.message is None:
                await message.output_channel.send_response(message.sender_id, {"text": admission.notice})
                return None
            return await on_new_message(admission.message)

        return handle


def too_many_messages_text() -> str:
    return load_messages().render("too_many_messages")


def technical_fault_text() -> str:
    """For a message that got no answer at all because something failed on the way."""
    return load_faults(settings().content_dir).text(GENERAL)


_door: Optional[Door] = None
_door_lock = threading.Lock()


def door() -> Door:
    """One door per Rasa process, shared by all its channels."""
    global _door
    with _door_lock:
        if _door is None:
            _door = Door()
        return _door
