"""Stored conversations (rasa_ext/conversations.py): transcripts across sessions, deletion, and the
erasure of the current conversation by the tracker store after "Meine Daten löschen"."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.conversations import transcript_from_events
from rasa_ext.conversations import EVENTS, SqlConversationStore
from rasa_ext.tracker_store import ERASE_CONVERSATION_SLOT, EnvSQLTrackerStore

TWO_SESSIONS = [
    ActionExecuted("action_session_start"),
    SessionStarted(),
    UserUttered("Erste Sitzung"),
    BotUttered("Antwort eins"),
    ActionExecuted("action_session_start"),
    SessionStarted(),
    UserUttered("Zweite Sitzung"),
    BotUttered("Antwort zwei"),
]


@pytest.fixture
def stored(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    domain = Domain.from_dict(
        {
            "slots": {
                ERASE_CONVERSATION_SLOT: {
                    "type": "bool",
                    "influence_conversation": False,
                    "mappings": [{"type": "custom"}],
                }
            }
        }
    )
    return EnvSQLTrackerStore(domain=domain, host=url), SqlConversationStore(url)


def test_the_declared_columns_match_rasas_events_table():
    rasa_columns = {c.name: str(c.type) for c in SQLTrackerStore.SQLEvent.__table__.columns}
    assert EVENTS.name == SQLTrackerStore.SQLEvent.__tablename__
    assert {c.name: str(c.type) for c in EVENTS.columns}.items() <= rasa_columns.items()


def test_transcript_spans_all_sessions_and_deletion_removes_it(stored):
    tracker_store, conversations = stored
    asyncio.run(tracker_store.save(DialogueStateTracker.from_events("web:anna", TWO_SESSIONS)))
    asyncio.run(tracker_store.save(DialogueStateTracker.from_events("web:bob", TWO_SESSIONS[:4])))
    assert [(entry["from"], entry["text"]) for entry in conversations.transcript("web:anna")] == [
        ("Nutzer", "Erste Sitzung"),
        ("Assistent", "Antwort eins"),
        ("Nutzer", "Zweite Sitzung"),
        ("Assistent", "Antwort zwei"),
    ]
    assert conversations.delete(["web:anna", "web:nobody"]) == 1
    assert conversations.transcript("web:anna") == [] and conversations.transcript("web:bob")
    assert conversations.delete_inactive_since(datetime.now(timezone.utc) + timedelta(seconds=1)) == 1
    assert conversations.transcript("web:bob") == []


def test_the_tracker_store_erases_a_conversation_instead_of_saving_it(stored):
    tracker_store, conversations = stored
    tracker = DialogueStateTracker.from_events("web:anna", TWO_SESSIONS, slots=tracker_store.domain.slots)
    asyncio.run(tracker_store.save(tracker))
    tracker.update(UserUttered("Meine Daten löschen"))
    tracker.update(SlotSet(ERASE_CONVERSATION_SLOT, True))
    asyncio.run(tracker_store.save(tracker))
    assert conversations.transcript("web:anna") == []
    assert asyncio.run(tracker_store.retrieve("web:anna")) is None


def test_an_empty_store_has_no_conversations(tmp_path):
    conversations = SqlConversationStore(f"sqlite:///{tmp_path / 'none.db'}")
    assert conversations.transcript("x") == [] and conversations.delete(["x"]) == 0
    assert conversations.delete_inactive_since(datetime.now(timezone.utc)) == 0


def test_transcript_of_the_events_an_action_receives():
    events = [
        {"event": "user", "text": "Hallo", "timestamp": 0},
        {"event": "action", "name": "x"},
        {"event": "bot", "text": "Guten Tag", "timestamp": 1},
        {"event": "bot", "text": None},
    ]
    assert [(e["from"], e["text"]) for e in transcript_from_events(events)] == [
        ("Nutzer", "Hallo"),
        ("Assistent", "Guten Tag"),
    ]
