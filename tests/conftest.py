"""Shared fixtures. Tests that need the trained model use `nlu_parse` (built by `make test`)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
# One secret key for the tests and every server they start (signed links, session tokens, the
# action server's token); set before any test module is imported.
os.environ.setdefault("GOCLUSTER_SECRET_KEY", "test-secret-key-0123456789")

from bot.config import PROJECT_ROOT  # noqa: E402
from bot.knowledge.answers import Answers  # noqa: E402
from bot.knowledge.content import load_knowledge  # noqa: E402
from tests.stack import running_bot  # noqa: E402,F401 - the running assistant for tests over HTTP

MODEL_PATH = PROJECT_ROOT / "models" / "gocluster.tar.gz"


@pytest.fixture(scope="session", autouse=True)
def isolated_storage(tmp_path_factory):
    """Tests never touch var/: a migrated database and an empty tracker database of their own."""
    from bot.storage.migrate import upgrade

    root = tmp_path_factory.mktemp("var")
    os.environ.update(
        GOCLUSTER_VAR_DIR=str(root),
        DATABASE_URL=f"sqlite:///{root / 'gocluster.db'}",
        TRACKER_DATABASE_URL=f"sqlite:///{root / 'tracker.db'}",
    )
    upgrade(os.environ["DATABASE_URL"])
    yield root


@pytest.fixture(scope="session")
def knowledge():
    return load_knowledge()


@pytest.fixture(scope="session")
def answers(knowledge):
    return Answers(knowledge)


@pytest.fixture(scope="session")
def rasa_agent():
    """The trained model, loaded once. `make test` trains it before running pytest."""
    if not MODEL_PATH.exists():
        pytest.fail(f"{MODEL_PATH} is missing: run the tests with `make test`, which trains it first")
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    return Agent.load(str(MODEL_PATH))


@pytest.fixture(scope="session")
def nlu_parse(rasa_agent):
    loop = asyncio.new_event_loop()

    def parse(text: str) -> Dict[str, Any]:
        return loop.run_until_complete(rasa_agent.parse_message(text))

    yield parse
    loop.close()


def user_event(
    text: str,
    intent: str,
    confidence: float = 1.0,
    entities: Optional[List[dict]] = None,
    ranking: Optional[List[dict]] = None,
) -> Dict[str, Any]:
    parse_data = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities or [],
        "intent_ranking": ranking or [{"name": intent, "confidence": confidence}],
    }
    return {"event": "user", "text": text, "parse_data": parse_data}


def make_tracker(
    events: List[Dict[str, Any]], slots: Optional[Dict[str, Any]] = None, active_loop: Optional[Dict[str, Any]] = None
) -> Tracker:
    """A real rasa-sdk Tracker whose latest message is the last user event."""
    latest = next((e["parse_data"] for e in reversed(events) if e["event"] == "user"), {})
    return Tracker("test-user", slots or {}, latest, events, False, None, active_loop or {}, "action_listen")


def run_action(action, tracker: Tracker, domain: Optional[dict] = None):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain or {}))
    return dispatcher.messages, events


def mark_held_after_start(bookings, reference: str):
    """Staff mark a consultation as held once it has begun (BookingService.mark_held refuses
    earlier): `bookings`' database and calendar, with a clock at the end of the booked slot."""
    from bot.booking.service import BookingService

    end = bookings.get(reference).slot_end
    return BookingService(bookings._sessions, bookings.config, clock=lambda: end).mark_held(reference)


@pytest.fixture
def tmp_content(tmp_path: Path) -> Path:
    """A writable copy of content/ for tests that break it on purpose."""
    import shutil

    target = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", target)
    return target


@pytest.fixture
def database_url(tmp_path) -> str:
    """A fresh, migrated SQLite database for one test."""
    from bot.storage.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'gocluster.db'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """The PostgreSQL server of the tests (see tests/databases.py); failing, not skipping, without one."""
    from tests import databases

    problem = databases.postgres_problem()
    if problem:
        pytest.fail(f"{problem}. {databases.HINT}")
    databases.drop_abandoned()
    return databases.POSTGRES_ADMIN_URL


@pytest.fixture(scope="session")
def postgres_database(postgres_admin_url) -> str:
    """One migrated PostgreSQL database of this run, shared by the tests (storage_url empties it)."""
    from bot.storage.migrate import upgrade
    from tests import databases

    url = databases.create_database(postgres_admin_url)
    try:
        upgrade(url)
        yield url
    finally:
        databases.drop_database(url, postgres_admin_url)


@pytest.fixture
def fresh_postgres_database(postgres_admin_url) -> str:
    """An empty PostgreSQL database (no schema) for one test, dropped after it."""
    from tests import databases

    url = databases.create_database(postgres_admin_url)
    yield url
    databases.drop_database(url, postgres_admin_url)


@pytest.fixture(params=["sqlite", "postgresql"])
def storage_url(request) -> str:
    """A migrated, empty database of the assistant, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("database_url")
    from tests.databases import truncate_all

    url = request.getfixturevalue("postgres_database")
    truncate_all(url)
    return url


class SmtpSink:
    """A local SMTP server (never the internet) that keeps what it receives as
    (sender, recipients, raw message) tuples."""

    def __init__(self):
        import asyncore
        import smtpd
        import threading

        self.messages = []
        sink = self

        class Server(smtpd.SMTPServer):
            def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
                sink.messages.append((mailfrom, rcpttos, data))

        self.server = Server(("127.0.0.1", 0), None)
        self.port = self.server.socket.getsockname()[1]
        threading.Thread(target=asyncore.loop, kwargs={"timeout": 0.05}, daemon=True).start()


@pytest.fixture
def make_services():
    """Builds the services on a test database (and a fixed clock) and lets the actions use them."""
    from datetime import datetime, timezone

    from actions.common import use_services
    from bot.config import load_settings
    from bot.services import build_services

    def make(database_url: str, clock=None, **env: str):
        settings = load_settings({**os.environ, "DATABASE_URL": database_url, **env})
        built = build_services(settings, clock or (lambda: datetime.now(timezone.utc)))
        use_services(built)
        return built

    yield make
    use_services(None)


@pytest.fixture
def configure(monkeypatch):
    """Set environment variables for one test; the settings are read again with them."""

    from actions.common import use_services

    def apply(**values: Optional[str]) -> None:
        for name, value in values.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        use_services(None)

    yield apply
    monkeypatch.undo()
    use_services(None)


@pytest.fixture
def smtp_sink(configure):
    """SMTP configured to a local sink for the duration of a test."""
    sink = SmtpSink()
    configure(SMTP_HOST="127.0.0.1", SMTP_PORT=str(sink.port))
    yield sink
    sink.server.close()


def slots_of(events) -> Dict[str, Any]:
    """Slot values set by action events."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def texts_of(messages) -> str:
    return "\n".join(m.get("text") or "" for m in messages)
