"""Conversations are stored in SQL and survive a restart of the Rasa server."""

from __future__ import annotations

import asyncio

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Restarted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ext.tracker_store import EnvSQLTrackerStore


def test_conversation_survives_a_new_store_instance(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'sub' / 'tracker.db'}"
    domain = Domain.empty()
    store = EnvSQLTrackerStore(domain=domain, host=url)
    tracker = DialogueStateTracker.from_events(
        "nutzer-1",
        [
            ActionExecuted("action_listen"),
            UserUttered("Was ist ESCA?", {"name": "ask_glossary", "confidence": 0.9}),
            ActionExecuted("action_explain_term"),
            BotUttered("ESCA (European Secretariat for Cluster Analysis): ..."),
        ],
    )
    asyncio.run(store.save(tracker))
    store.engine.dispose()

    restarted = EnvSQLTrackerStore(domain=domain, host=url)
    loaded = asyncio.run(restarted.retrieve("nutzer-1"))
    assert loaded is not None
    assert [e.as_dict()["event"] for e in loaded.events] == ["action", "user", "action", "bot"]
    assert loaded.latest_message.text == "Was ist ESCA?"


def test_url_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    store = EnvSQLTrackerStore(domain=Domain.empty())
    assert str(store.engine.url).endswith("env.db")
    assert (tmp_path / "env.db").exists()


def _conversation(sender: str) -> DialogueStateTracker:
    """Two sessions, slots, a restart: what the plain-SQL store must load exactly as Rasa's does."""
    domain = Domain.from_yaml(
        "version: '3.1'\nslots:\n  topic:\n    type: text\n    mappings: [{type: custom}]\n"
        "intents: [greet, ask_glossary]\n"
    )
    tracker = DialogueStateTracker(sender, domain.slots)
    events = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered("Hallo", {"name": "greet", "confidence": 0.9}),
        ActionExecuted("utter_greet"),
        BotUttered("Hallo!", {"buttons": [{"title": "ESCA", "payload": "/ask_glossary"}]}),
        SlotSet("topic", "ESCA"),
        ActionExecuted("action_session_start"),
        SessionStarted(),
        SlotSet("topic", "ESCA"),
        ActionExecuted("action_listen"),
        UserUttered(
            "Was ist ESCA?", {"name": "ask_glossary", "confidence": 0.8}, [{"entity": "term", "value": "ESCA"}]
        ),
        ActionExecuted("action_explain_term"),
        BotUttered("ESCA ist ..."),
        Restarted(),
        ActionExecuted("action_listen"),
    ]
    for number, event in enumerate(events):
        event.timestamp = 1000.0 + number
        tracker.update(event)
    return tracker


def test_saves_and_loads_exactly_what_rasas_own_sql_store_does(tmp_path):
    from rasa.core.tracker_store import SQLTrackerStore

    domain = Domain.from_yaml("version: '3.1'\nslots:\n  topic:\n    type: text\n    mappings: [{type: custom}]\n")
    ours = EnvSQLTrackerStore(domain=domain, host=f"sqlite:///{tmp_path / 'ours.db'}")
    rasas = SQLTrackerStore(domain=domain, host=f"sqlite:///{tmp_path / 'rasas.db'}")
    tracker = _conversation("nutzer-2")
    # Saved in steps, as Rasa does turn by turn: only the new events are written.
    for store in (ours, rasas):
        for end in (7, 12, len(tracker.events)):
            asyncio.run(
                store.save(DialogueStateTracker.from_events("nutzer-2", list(tracker.events)[:end], domain.slots))
            )
    rows = []
    for store in (ours, rasas):
        with store.engine.connect() as connection:
            rows.append(
                connection.exec_driver_sql(
                    "SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events ORDER BY id"
                ).all()
            )
    assert rows[0] == rows[1]
    assert any(row[3] == "greet" for row in rows[0]) and any(row[4] == "utter_greet" for row in rows[0])
    for load in ("retrieve", "retrieve_full_tracker"):
        mine = asyncio.run(getattr(ours, load)("nutzer-2"))
        theirs = asyncio.run(getattr(rasas, load)("nutzer-2"))
        assert [e.as_dict() for e in mine.events] == [e.as_dict() for e in theirs.events]
        assert mine.current_state() == theirs.current_state()
    assert len(asyncio.run(ours.retrieve("nutzer-2")).events) < len(tracker.events)  # latest session only
    assert asyncio.run(ours.retrieve("nobody")) is None
