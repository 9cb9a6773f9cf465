"""SQL tracker store configured by one URL from the environment.

Rasa's own SQLTrackerStore takes host, port, db ... from endpoints.yml and has no defaults from
the environment. This subclass reads TRACKER_DATABASE_URL (default: SQLite file var/tracker.db),
so `make run` needs no setup and production only sets a PostgreSQL URL.

It also erases a conversation on request: after "Meine Daten löschen" the action sets the slot
`erase_conversation`, and instead of saving that turn the store deletes every event of the
conversation. Deleting from the action itself would not last: Rasa saves the turn afterwards and
writes back all events it still holds in memory.
"""

from __future__ import annotations

from typing import Any, Optional

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.config import settings
from bot.storage.db import private_sqlite_file

ERASE_CONVERSATION_SLOT = "erase_conversation"  # set by actions/handoff.py ActionDeleteMyData


class EnvSQLTrackerStore(SQLTrackerStore):
    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[str] = None,
        event_broker: Optional[EventBroker] = None,
        **kwargs: Any,
    ) -> None:
        # Rasa passes the endpoint's `url` as `host`; without one the environment decides.
        url = host or settings().tracker_database_url
        private_sqlite_file(url)
        # Rasa treats a host containing "://" as the complete database URL.
        super().__init__(domain=domain, host=url, event_broker=event_broker, **kwargs)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)

    async def save(self, tracker: DialogueStateTracker) -> None:
        if tracker.slots.get(ERASE_CONVERSATION_SLOT) is not None and tracker.get_slot(ERASE_CONVERSATION_SLOT):
            with self.session_scope() as session:
                session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == tracker.sender_id).delete(
                    synchronize_session=False
                )
                session.commit()
            return
        await super().save(tracker)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    # WAL lets readers work while a conversation is written; NORMAL sync is safe with WAL and
    # avoids an fsync per message.
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
