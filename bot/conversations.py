"""What the use cases need from the stored conversations (the tracker store), and nothing more.

The tracker store belongs to Rasa; its implementation of this port is in
rasa_ext/conversations.py, bound in the composition root (bot/services.py), so `bot/` stays
free of Rasa and of Rasa's table layout.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Protocol

TRANSCRIPT_LIMIT = 200  # messages; a hand-off ticket does not need more

# {"time": ISO time, "from": "Nutzer" | "Assistent", "text": ..., "buttons": [{"title", "payload"}]}
# Bot lines keep the buttons they offered, so that a later click (stored as the button's payload)
# can be shown as the title the user clicked (bot/handoff/readable.py).
Line = Dict[str, Any]

# Parse-data key of a user message that starts with "/" but is no button of the current turn and
# was read as text (rasa_ext/commands.py); forms must not take it for a button click.
TYPED_COMMAND = "typed_command"


class ConversationStore(Protocol):
    def transcript(self, conversation_id: str) -> List[Line]:
        """The whole conversation across sessions, oldest first, at most TRANSCRIPT_LIMIT lines."""

    def delete(self, conversation_ids: Iterable[str]) -> int:
        """Deletes these conversations' stored history; returns how many had any."""

    def delete_inactive_since(self, cutoff: datetime) -> int:
        """Deletes every conversation whose last event is older than `cutoff`; returns how many."""


def _buttons(event: dict) -> List[Dict[str, str]]:
    """The buttons of a bot event (Rasa keeps them in the event's `data.buttons`), title and payload only."""
    data = event.get("data")
    buttons = data.get("buttons") if isinstance(data, dict) else None
    return [
        {"title": str(b.get("title") or ""), "payload": str(b.get("payload") or "")}
        for b in buttons or []
        if isinstance(b, dict)
    ]


def line(event: dict) -> Line:
    """One transcript line from a user or bot event (as Rasa serialises events)."""
    moment = datetime.fromtimestamp(event.get("timestamp") or 0, tz=timezone.utc)
    entry: Line = {
        "time": moment.isoformat(timespec="seconds"),
        "from": "Nutzer" if event.get("event") == "user" else "Assistent",
        "text": event.get("text") or "",
    }
    buttons = _buttons(event) if event.get("event") == "bot" else []
    if buttons:
        entry["buttons"] = buttons
    return entry


def transcript_from_events(events: Iterable[dict]) -> List[Line]:
    """The transcript of the events an action receives (the current session only)."""
    lines = [line(e) for e in events if e.get("event") in ("user", "bot") and e.get("text")]
    return lines[-TRANSCRIPT_LIMIT:]
