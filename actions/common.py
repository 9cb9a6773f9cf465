"""Helpers shared by the action modules."""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.knowledge.answers import Answers, Button, Reply
from bot.knowledge.content import load_knowledge
from bot.requester import CLIENT_METADATA_KEY, Requester
from bot.services import Services, build_services

_services: Optional[Services] = None


def services() -> Services:
    """The services of this action-server process, built once from the settings."""
    global _services
    if _services is None:
        from bot.config import settings

        _services = build_services(settings())
    return _services


def use_services(replacement: Optional[Services]) -> None:
    """For tests: run the actions against other services (None: build from the settings again)."""
    global _services
    _services = replacement


def requester(tracker: Tracker) -> Requester:
    """The conversation and the pseudonymous client address of the latest message."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    client = metadata.get(CLIENT_METADATA_KEY) if isinstance(metadata, dict) else None
    return Requester(tracker.sender_id, client if isinstance(client, str) else None)


@lru_cache(maxsize=1)
def answers() -> Answers:
    """Content is loaded and indexed once per action-server process."""
    return Answers(load_knowledge())


def fault(context: str, retry: bool = False) -> Reply:
    """The fault message of content/faults.yml for what the user was doing; with `retry`, buttons
    to try the same step again or to stop."""
    messages = services().messages
    buttons = (
        Button(messages.render("retry_button"), "/affirm"),
        Button(messages.render("booking_stop_button"), "/stop"),
    )
    return Reply(services().faults.text(context), buttons if retry else ())


def send(dispatcher: CollectingDispatcher, replies: Iterable[Reply]) -> None:
    for reply in replies:
        buttons = [{"title": b.title, "payload": b.payload} for b in reply.buttons]
        dispatcher.utter_message(text=reply.text, buttons=buttons or None)


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def latest_entity(tracker: Tracker, entity: str) -> Optional[str]:
    for item in (tracker.latest_message or {}).get("entities") or []:
        if item.get("entity") == entity and item.get("value") is not None:
            return str(item["value"])
    return None


def user_intents(tracker: Tracker) -> List[str]:
    """Intent names of the user's messages in this conversation, oldest first."""
    return [
        ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""
        for event in tracker.events
        if event.get("event") == "user"
    ]
