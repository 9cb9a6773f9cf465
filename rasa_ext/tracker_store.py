"""SQL tracker store configured by one URL from the environment.

Rasa's own SQLTrackerStore takes host, port, db ... from endpoints.yml and has no defaults from
the environment. This subclass reads TRACKER_DATABASE_URL (default: SQLite file var/tracker.db),
so `make run` needs no setup and production only sets a PostgreSQL URL.

It also erases a conversation on request: after "Meine Daten löschen" the action sets the slot
`erase_conversation`, and instead of saving that turn the store deletes every event of the
conversation. Deleting from the action itself would not last: Rasa saves the turn afterwards and
writes back all events it still holds in memory.

Cheaper than Rasa's own store on every message (README "Leistung"), with the same results:
* one pool of connections per process for SQLite too (SQLAlchemy 1.4 opens a new SQLite connection
  per session, and each ran the PRAGMAs below); WAL mode is set once, it is stored in the file;
* a conversation is loaded with one plain SQL query for the `data` column (the same rows in the same
  order as Rasa's query) instead of ORM objects, and events are rebuilt with a table of event
  classes instead of Rasa's scan over all Event subclasses per event;
* new events are written with one multi-row INSERT instead of one ORM object each.
"""

from __future__ import annotations

import itertools
import json
import logging
from typing import Any, Dict, Iterable, List, Optional, Type

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from rasa.shared.utils.common import all_subclasses

from bot.config import settings
from bot.storage.db import private_sqlite_file

ERASE_CONVERSATION_SLOT = "erase_conversation"  # set by actions/handoff.py ActionDeleteMyData

logger = logging.getLogger(__name__)


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
            # Rasa's engine has no pool for a SQLite file: a pooled one instead, on the same URL.
            # Connections are used by the event loop's thread only, one session at a time.
            self.engine.dispose()
            self.engine = sa.create_engine(
                self.engine.url, poolclass=sa.pool.QueuePool, connect_args={"check_same_thread": False}
            )
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")  # persistent: stored in the file
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self._events = self.SQLEvent.__table__
        # Rasa checks POSTGRESQL_SCHEMA in every session_scope; load and save below use plain
        # connections, so the check (exit with a clear message when the schema is missing) runs once here.
        with self.session_scope():
            pass

    async def save(self, tracker: DialogueStateTracker) -> None:
        if tracker.slots.get(ERASE_CONVERSATION_SLOT) is not None and tracker.get_slot(ERASE_CONVERSATION_SLOT):
            with self.session_scope() as session:
                session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == tracker.sender_id).delete(
                    synchronize_session=False
                )
                session.commit()
            return
        await self.stream_events(tracker)
        with self.engine.begin() as connection:
            stored = connection.execute(self._session_query(tracker.sender_id, sa.func.count())).scalar() or 0
            rows = [_row(tracker.sender_id, event) for event in itertools.islice(tracker.events, stored, None)]
            if rows:
                connection.execute(self._events.insert(), rows)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        query = self._session_query(sender_id, self._events.c.data, fetch_events_from_all_sessions)
        with self.engine.connect() as connection:
            rows = connection.execute(query.order_by(self._events.c.id)).all()
        if not self.domain or not rows:
            return None
        events = _deserialise([json.loads(data) for (data,) in rows])
        return DialogueStateTracker.from_events(sender_id, events, self.domain.slots)

    def _session_query(self, sender_id: str, column: Any, all_sessions: bool = False) -> Any:
        """Rasa's SQLTrackerStore._event_query in plain SQL: the events of the latest session (those
        not older than its last SessionStarted), or all of them."""
        events = self._events
        query = sa.select(column).where(events.c.sender_id == sender_id)
        if all_sessions:
            return query
        session_start = (
            sa.select(sa.func.max(events.c.timestamp))
            .where(events.c.sender_id == sender_id, events.c.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        return query.where(sa.or_(events.c.timestamp >= session_start, session_start.is_(None)))


def _row(sender_id: str, event: Event) -> Dict[str, Any]:
    # The columns Rasa's SQLTrackerStore.save writes.
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }


_EVENT_CLASSES: Dict[str, Type[Event]] = {}


def _event_class(type_name: str) -> Optional[Type[Event]]:
    """Event.resolve_by_type without its scan over all subclasses for every event: the first
    subclass of that type name, as there; unknown names go to Rasa's own lookup."""
    if not _EVENT_CLASSES:
        for cls in all_subclasses(Event):
            _EVENT_CLASSES.setdefault(cls.type_name, cls)
    cls = _EVENT_CLASSES.get(type_name)
    return cls if cls is not None else Event.resolve_by_type(type_name)


def _deserialise(serialised: Iterable[Dict[str, Any]]) -> List[Event]:
    """rasa.shared.core.events.deserialise_events with the table of event classes."""
    result = []
    for parameters in serialised:
        if "event" not in parameters:
            continue
        cls = _event_class(parameters["event"]) if parameters["event"] is not None else None
        event = cls._from_parameters(parameters) if cls is not None else None
        if event:
            result.append(event)
        else:
            logger.warning("Event could not be deserialised: %s", parameters.get("event"))
    return result


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    # Per new connection (a pooled one lives long): NORMAL sync is safe with WAL and avoids an
    # fsync per message.
    cursor = connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
