"""The running bot over the REST channel: bad input, a full booking, and a restart.

Starts the real action server and Rasa server (on their own ports and databases), so it
checks what a user of the chat page would see, including that a booking and an unfinished
booking form survive a restart of both servers.
"""

from __future__ import annotations

import json
import os
import re
import time
import urllib.request

import pytest


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Spare ports: another test run on the same machine must not collide with this one.
RASA_PORT, ACTIONS_PORT = _free_port(), _free_port()


def say(sender: str, text: str) -> list:
    body = json.dumps({"sender": sender, "message": text}).encode("utf-8")
    request = urllib.request.Request(
        f"http://localhost:{RASA_PORT}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        return json.load(response)


def text_of(replies: list) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


class Stack:
    def __init__(self, tmp_path, monkeypatch):
        from tests.conftest import MODEL_PATH

        if not MODEL_PATH.exists():
            pytest.fail("models/gocluster.tar.gz is missing: run the tests with `make test`")
        endpoints = tmp_path / "endpoints.yml"
        endpoints.write_text(
            f'action_endpoint:\n  url: "http://localhost:{ACTIONS_PORT}/webhook"\n'
            "tracker_store:\n  type: rasa_ext.tracker_store.EnvSQLTrackerStore\n",
            "utf-8",
        )
        env = {
            "GOCLUSTER_VAR_DIR": str(tmp_path / "var"),
            "RASA_PORT": str(RASA_PORT),
            "ACTIONS_PORT": str(ACTIONS_PORT),
            "ENDPOINTS_FILE": str(endpoints),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'gocluster.db'}",
            "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'tracker.db'}",
            "RASA_TELEMETRY_ENABLED": "false",
        }
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        from bot.storage.migrate import upgrade

        upgrade(env["DATABASE_URL"])
        self.model = str(MODEL_PATH)
        self.log_dir = tmp_path / "var" / "log"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.services = []

    def start(self):
        from bot.cli.serve import services

        self.services = [s for s in services(self.model) if s.name in ("actions", "rasa")]
        for service in self.services:
            service.start(self.log_dir, dict(os.environ))
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if any(s.exited() for s in self.services):
                pytest.fail("a service died:\n" + "\n".join(s.log_tail() for s in self.services))
            if all(s.healthy() for s in self.services):
                return
            time.sleep(0.5)
        pytest.fail("the bot did not start within 180 s")

    def stop(self):
        for service in reversed(self.services):
            service.stop()


@pytest.fixture
def stack(tmp_path, monkeypatch):
    running = Stack(tmp_path, monkeypatch)
    running.start()
    yield running
    running.stop()


BAD_INPUTS = [
    ("", "Ihre Nachricht war leer"),
    ("😀🙈", "nicht Emojis oder Sonderzeichen"),
    ("x" * 10_000, "mit mehr als 1000 Zeichen zu lang"),
    ("<script>alert('x')</script>", "Programmcode"),
    ('{"intent": "greet", "entities": []}', "technischen Daten"),
    ("\x00\x1b[31m\x07", "Ihre Nachricht war leer"),
]


def book_until_consent(sender: str) -> str:
    assert "Telefon oder per Video" in text_of(say(sender, "Ich möchte einen Beratungstermin vereinbaren"))
    assert "Wann passt es Ihnen" in text_of(say(sender, "Video"))
    offer = say(sender, "nächste Woche vormittags")
    buttons = [b for r in offer for b in r.get("buttons") or []]
    assert len(buttons) == 3, text_of(offer)
    return buttons[0]["payload"]


def test_bad_input_restart_and_booking(stack):
    for text, expected in BAD_INPUTS:
        assert expected in text_of(say("robust", text))
    assert "ESCA" in text_of(say("robust", "Was ist ESCA?"))  # still answering normally

    # A complete booking.
    first_slot = book_until_consent("booker")
    assert "einverstanden" in text_of(say("booker", first_slot))
    for answer in ("ja", "Anna Muster", "Cluster Nord GmbH", "Cluster Nord"):
        say("booker", answer)
    summary = text_of(say("booker", "anna@example.org"))
    assert "Bitte prüfen Sie Ihre Angaben" in summary
    confirmation = text_of(say("booker", "/affirm"))
    reference = re.search(r"GC-B-[0-9A-Z]{5}", confirmation).group(0)

    # An unfinished booking form, interrupted by a question.
    slot = book_until_consent("half")
    assert "ESCA" in text_of(say("half", "Was ist ESCA?"))

    # After the consultation (staff mark it as held) a draft application is started.
    from bot.config import load_settings
    from bot.services import build_services
    from tests.conftest import mark_held_after_start

    mark_held_after_start(build_services(load_settings()).bookings, reference)
    say("drafter", "Ich möchte einen Antrag anlegen")
    say("drafter", reference)
    assert "Antragsentwurf" in text_of(say("drafter", "anna@example.org"))
    say("drafter", "Cluster Nord")
    assert "Clustermanagement-Organisation" not in text_of(say("drafter", "Cluster Nord Management GmbH"))

    stack.stop()
    stack.start()

    # The draft is still there and continues at the first missing field.
    say("drafter2", "Antrag fortsetzen")
    say("drafter2", reference)
    resumed = text_of(say("drafter2", "anna@example.org"))
    assert "Willkommen zurück" in resumed and "Rechtsform" in resumed

    # No personal data in the application logs of either server.
    for log in stack.log_dir.glob("*.log"):
        content = log.read_text("utf-8", errors="replace")
        assert "anna@example.org" not in content and "Anna Muster" not in content, log.name

    # The unfinished form continues where it was: still waiting for the slot choice.
    assert "einverstanden" in text_of(say("half", slot))
    # The booking is still there, found by reference and e-mail.
    say("lookup", "Welchen Termin habe ich?")
    say("lookup", reference)
    shown = text_of(say("lookup", "anna@example.org"))
    assert reference in shown and "Anna Muster" in shown
