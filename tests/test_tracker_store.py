"""Conversations are stored in SQL and survive a restart of the Rasa server."""

from __future__ import annotations

import asyncio

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
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
