"""Helpers shared by the action modules."""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.knowledge.answers import Answers, Reply
from bot.knowledge.content import load_knowledge


@lru_cache(maxsize=1)
def answers() -> Answers:
    """Content is loaded and indexed once per action-server process."""
    return Answers(load_knowledge())


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
