"""What the use cases need from the stored conversations (the tracker store), and nothing more.

The tracker store belongs to Rasa; its implementation of this port is in
rasa_ext/conversations.py, bound in the composition root (bot/services.py), so `bot/` stays
free of Rasa and of Rasa's table layout.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Dict, Iterable, List, Optional, Protocol

TRANSCRIPT_LIMIT = 200   # messages; a hand-off ticket does not need more

Line = Dict[str, str]    # {"time": ISO time, "from": "Nutzer" | "Assistent", "text": ...}


class ConversationStore(Protocol):
    def transcript(self, conversation_id: str) -> List[Line]:
        """The whole conversation across sessions, oldest first, at most TRANSCRIPT_LIMIT lines."""

    def delete(self, conversation_ids: Iterable[str]) -> int:
        """Deletes these conversations' stored history; returns how many had any."""

    def delete_inactive_since(self, cutoff: datetime) -> int:
        """Deletes every conversation whose last event is older than `cutoff`; returns how many."""


def line(kind: str, timestamp: Optional[float], text: Optional[str]) -> Line:
    moment = datetime.fromtimestamp(timestamp or 0, tz=timezone.utc)
    return {"time": moment.isoformat(timespec="seconds"), "from": "Nutzer" if kind == "user" else "Assistent",
            "text": text or ""}


def transcript_from_events(events: Iterable[dict]) -> List[Line]:
    """The transcript of the events an action receives (the current session only)."""
    lines = [line(e["event"], e.get("timestamp") or 0, e.get("text")) for e in events
             if e.get("event") in ("user", "bot") and e.get("text")]
    return lines[-TRANSCRIPT_LIMIT:]
