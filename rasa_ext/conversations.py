"""The conversations in Rasa's SQL tracker store, for the use cases (port: bot/conversations.py).

Only the columns read here are declared, mirroring `rasa.core.tracker_store.SQLTrackerStore.SQLEvent`
(tests/test_conversations.py checks they still match Rasa's table). Importing Rasa's class itself
would load Rasa into every process that only needs a transcript (action server, staff commands).
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from typing import Iterable, List, Optional

import sqlalchemy as sa

from bot.conversations import TRANSCRIPT_LIMIT, Line, line

EVENTS = sa.Table(
    "events",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255)),
    sa.Column("type_name", sa.String(255)),
    sa.Column("timestamp", sa.Float),
    sa.Column("data", sa.Text),
)
BATCH = 500


@lru_cache(maxsize=4)
def _engine(url: str) -> sa.engine.Engine:
    return sa.create_engine(url, future=True)


def _event(data: Optional[str]) -> dict:
    """The stored event (Rasa's SQL tracker store keeps `event.as_dict()` as JSON in `data`)."""
    try:
        parsed = json.loads(data or "{}")
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


class SqlConversationStore:
    def __init__(self, url: str) -> None:
        self._url = url

    @property
    def _engine(self) -> sa.engine.Engine:
        return _engine(self._url)

    def transcript(self, conversation_id: str) -> List[Line]:
        query = (
            sa.select(EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data)
            .where(EVENTS.c.sender_id == conversation_id, EVENTS.c.type_name.in_(("user", "bot")))
            .order_by(EVENTS.c.timestamp.desc(), EVENTS.c.id.desc())
            .limit(TRANSCRIPT_LIMIT)
        )
        with self._engine.connect() as connection:
            if not sa.inspect(connection).has_table("events"):
                return []
            rows = connection.execute(query).all()
        lines = [
            line({**_event(data), "event": kind, "timestamp": timestamp}) for kind, timestamp, data in reversed(rows)
        ]
        return [entry for entry in lines if entry["text"]]

    def delete(self, conversation_ids: Iterable[str]) -> int:
        senders = sorted({s for s in conversation_ids if s})
        if not senders:
            return 0
        with self._engine.begin() as connection:
            if not sa.inspect(connection).has_table("events"):
                return 0
            found = connection.execute(
                sa.select(sa.func.count(sa.distinct(EVENTS.c.sender_id))).where(EVENTS.c.sender_id.in_(senders))
            ).scalar_one()
            connection.execute(sa.delete(EVENTS).where(EVENTS.c.sender_id.in_(senders)))
        return int(found)

    def delete_inactive_since(self, cutoff: datetime) -> int:
        last_event = (
            sa.select(EVENTS.c.sender_id)
            .group_by(EVENTS.c.sender_id)
            .having(sa.func.max(EVENTS.c.timestamp) < cutoff.timestamp())
        )
        with self._engine.begin() as connection:
            if not sa.inspect(connection).has_table("events"):
                return 0
            senders = [row[0] for row in connection.execute(last_event)]
            for start in range(0, len(senders), BATCH):
                connection.execute(sa.delete(EVENTS).where(EVENTS.c.sender_id.in_(senders[start : start + BATCH])))
        return len(senders)
