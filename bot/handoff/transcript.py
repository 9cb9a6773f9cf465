"""Conversation transcripts, read from the tracker store's database.

Rasa sends custom actions only the current session; a hand-off needs the whole conversation,
so the transcript is read from the tracker store's `events` table (Rasa's SQL tracker store
schema: sender_id, type_name, timestamp, data as JSON).
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from functools import lru_cache
from typing import Dict, Iterable, List, Optional

import sqlalchemy as sa

from bot.config import settings

TRANSCRIPT_LIMIT = 200   # messages; a hand-off ticket does not need more
EVENTS = sa.Table(
    "events", sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255)),
    sa.Column("type_name", sa.String(255)),
    sa.Column("timestamp", sa.Float),
    sa.Column("data", sa.Text),
)


@lru_cache(maxsize=4)
def _engine(url: str) -> sa.engine.Engine:
    return sa.create_engine(url, future=True)


def _buttons(event: dict) -> List[Dict[str, str]]:
    """The buttons of a bot event (Rasa keeps them in the event's `data.buttons`), title and payload only."""
    buttons = (event.get("data") or {}).get("buttons") if isinstance(event.get("data"), dict) else None
    return [{"title": str(b.get("title") or ""), "payload": str(b.get("payload") or "")}
            for b in buttons or [] if isinstance(b, dict)]


def _line(event: dict) -> Dict:
    """One transcript line; bot lines keep their buttons, so a later click (stored as the button's
    payload) can be shown as the title the user clicked (bot/handoff/readable.py)."""
    moment = datetime.fromtimestamp(event.get("timestamp") or 0, tz=timezone.utc)
    line = {"time": moment.isoformat(timespec="seconds"),
            "from": "Nutzer" if event.get("event") == "user" else "Assistent", "text": event.get("text") or ""}
    buttons = _buttons(event) if event.get("event") == "bot" else []
    if buttons:
        line["buttons"] = buttons
    return line


def from_events(events: Iterable[dict]) -> List[Dict]:
    """Transcript from tracker events as the action server receives them."""
    lines = [_line(e) for e in events if e.get("event") in ("user", "bot") and e.get("text")]
    return lines[-TRANSCRIPT_LIMIT:]


def from_tracker_store(sender_id: str, url: Optional[str] = None) -> List[Dict]:
    """The whole conversation of `sender_id` across sessions, oldest first."""
    query = (sa.select(EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data)
             .where(EVENTS.c.sender_id == sender_id, EVENTS.c.type_name.in_(("user", "bot")))
             .order_by(EVENTS.c.timestamp.desc(), EVENTS.c.id.desc()).limit(TRANSCRIPT_LIMIT))
    with _engine(url or settings().tracker_database_url).connect() as connection:
        rows = connection.execute(query).all()
    lines = [_line({**_event(data), "event": kind, "timestamp": timestamp}) for kind, timestamp, data in reversed(rows)]
    return [line for line in lines if line["text"]]


def _event(data: Optional[str]) -> dict:
    """The stored event (Rasa's SQL tracker store keeps `event.as_dict()` as JSON in `data`)."""
    try:
        parsed = json.loads(data or "{}")
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def delete_conversations_before(cutoff: datetime, url: Optional[str] = None) -> int:
    """Deletes every conversation whose last event is older than `cutoff`; returns how many."""
    last_event = sa.select(EVENTS.c.sender_id).group_by(EVENTS.c.sender_id).having(
        sa.func.max(EVENTS.c.timestamp) < cutoff.timestamp())
    with _engine(url or settings().tracker_database_url).begin() as connection:
        if not sa.inspect(connection).has_table("events"):
            return 0
        senders = [row[0] for row in connection.execute(last_event)]
        for start in range(0, len(senders), 500):
            connection.execute(sa.delete(EVENTS).where(EVENTS.c.sender_id.in_(senders[start:start + 500])))
    return len(senders)


def delete_conversations(sender_ids: Iterable[str], url: Optional[str] = None) -> int:
    """Deletes the whole stored history of these conversations; returns how many had events."""
    senders = sorted({s for s in sender_ids if s})
    if not senders:
        return 0
    with _engine(url or settings().tracker_database_url).begin() as connection:
        if not sa.inspect(connection).has_table("events"):
            return 0
        found = connection.execute(sa.select(sa.func.count(sa.distinct(EVENTS.c.sender_id)))
                                   .where(EVENTS.c.sender_id.in_(senders))).scalar_one()
        connection.execute(sa.delete(EVENTS).where(EVENTS.c.sender_id.in_(senders)))
    return int(found)
