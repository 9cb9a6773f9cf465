"""A dependency fails, the user still gets a German answer, within a bound, that fits what they
were doing; a form keeps its answers and a retry completes it once the dependency is back.

Over the running servers (tests/stack.py) with short time-outs, so the bounds are seconds."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import threading
import time
from functools import partial

import pytest

BOT_ENVIRONMENT = {"ACTIONS_TIMEOUT_SECONDS": "2", "DATABASE_TIMEOUT_SECONDS": "1"}
HOTLINE = "310078-387"


def timed(function):
    started = time.monotonic()
    result = function()
    return result, time.monotonic() - started


def book_until_summary(bot, sender: str) -> str:
    bot.text(sender, "Ich möchte einen Beratungstermin vereinbaren")
    bot.text(sender, "Video")
    _, offer = bot.say(sender, "nächste Woche vormittags")
    slot = next(b["payload"] for r in offer for b in r.get("buttons") or [])
    for answer in (slot, "ja", "Anna Muster", "Cluster Nord GmbH", "Cluster Nord"):
        bot.text(sender, answer)
    summary = bot.text(sender, f"{sender}@example.org")
    assert "Bitte prüfen Sie Ihre Angaben" in summary
    return summary


def test_action_server_down_every_turn_gets_a_german_answer(running_bot):
    actions = running_bot.service("actions")
    actions.stop()
    try:
        for text, expected in (
            ("Was ist ESCA?", "technisches Problem"),
            ("Ich möchte einen Beratungstermin vereinbaren", "technisches Problem"),
        ):
            answer, seconds = timed(partial(running_bot.text, "down-user", text))
            assert expected in answer and HOTLINE in answer, answer
            assert seconds < 10
        # Greetings need no action server and still work.
        assert "Guten Tag" in running_bot.text("down-user", "Hallo")
    finally:
        actions.start(running_bot.var / "log", dict(os.environ))
        wait_healthy(actions)
    assert "European Secretariat" in running_bot.text("down-user", "Was ist ESCA?")


def test_a_paused_action_server_is_waited_for_only_a_few_seconds(running_bot):
    actions = running_bot.service("actions")
    os.kill(actions.process.pid, signal.SIGSTOP)
    try:
        answer, seconds = timed(lambda: running_bot.text("paused-user", "Was ist ECEI?"))
        assert "technisches Problem" in answer and HOTLINE in answer
        assert seconds < 2 + 5  # ACTIONS_TIMEOUT_SECONDS plus the turn's own work
    finally:
        os.kill(actions.process.pid, signal.SIGCONT)
    assert "ECEI" in running_bot.text("paused-user", "Was ist ECEI?")


def test_the_fault_message_fits_what_the_user_was_doing(running_bot):
    actions = running_bot.service("actions")
    book_until_summary(running_bot, "fits")
    actions.stop()
    try:
        answer = running_bot.text("fits", "/affirm")
        assert "ob Ihre Buchung gespeichert wurde" in answer and "nicht doppelt" in answer
    finally:
        actions.start(running_bot.var / "log", dict(os.environ))
        wait_healthy(actions)


def test_a_locked_database_keeps_the_booking_form_and_a_retry_books_once(running_bot):
    book_until_summary(running_bot, "locked")
    locked, released = threading.Event(), threading.Event()

    def hold_the_lock() -> None:  # another process holding the write lock, as seen in operation
        database = sqlite3.connect(str(running_bot.var / "gocluster.db"), timeout=5, isolation_level=None)
        database.execute("BEGIN EXCLUSIVE")
        locked.set()
        released.wait(30)
        database.execute("ROLLBACK")
        database.close()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    assert locked.wait(10)
    try:
        status, replies = running_bot.say("locked", "/affirm")
        answer = "\n".join(r.get("text") or "" for r in replies)
        assert "konnte gerade nicht gespeichert werden" in answer and "Angaben bleiben erhalten" in answer
        assert [b["title"] for r in replies for b in r.get("buttons") or []] == ["Noch einmal versuchen", "Abbrechen"]
    finally:
        released.set()
        holder.join()
    confirmed = running_bot.text("locked", "/affirm")  # "Noch einmal versuchen"
    reference = re.search(r"GC-B-[0-9A-Z]{5}", confirmed)
    assert reference, confirmed
    # Booked once, with everything entered before the fault.
    shown = running_bot.text("locked-check", "Welchen Termin habe ich?")
    running_bot.text("locked-check", reference.group(0))
    shown = running_bot.text("locked-check", "locked@example.org")
    assert "Anna Muster" in shown and "Cluster Nord GmbH" in shown


def wait_healthy(service, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not service.healthy():
        if time.monotonic() > deadline:
            pytest.fail(f"{service.name} did not come back:\n{service.log_tail()}")
        time.sleep(0.2)


def test_the_health_endpoint_reports_each_dependency(running_bot):
    import json

    from tests.stack import http

    status, body = http(f"{running_bot.web_url}/health")
    assert status == 200 and json.loads(body) == {
        "status": "ok",
        "checks": {"database": "ok", "rasa": "ok", "actions": "ok", "smtp": "not_configured"},
    }
    actions = running_bot.service("actions")
    actions.stop()
    try:
        status, body = http(f"{running_bot.web_url}/health")
        assert status == 503 and json.loads(body)["checks"]["actions"] == "failed"
        assert json.loads(body)["checks"]["rasa"] == "ok"
    finally:
        actions.start(running_bot.var / "log", dict(os.environ))
        wait_healthy(actions)
    assert http(f"{running_bot.web_url}/health")[0] == 200


def test_doctor_checks_a_running_deployment(running_bot, capsys):
    from bot.cli.doctor import run
    from tests.conftest import MODEL_PATH

    assert run(str(MODEL_PATH), dict(os.environ)) == 0  # the module's stack environment
    out = capsys.readouterr().out
    for line in (
        "✓ Datenbank: erreichbar, Schema aktuell",
        "✓ Rasa-Server: antwortet",
        "✓ Action-Server: antwortet",
        "✓ Webserver: antwortet",
        "✓ Modell",
        "0 Fehler",
    ):
        assert line in out, out
    assert "! REST-Kanal: offen ohne Token" in out  # a warning on loopback, an error when public


@pytest.mark.parametrize(
    "environment, expected",
    [
        ({"RASA_PORT": "null"}, "✗ Konfiguration: RASA_PORT muss eine ganze Zahl sein"),
        ({"TELEGRAM_ACCESS_TOKEN": "123:abc"}, "✗ Messenger: Telegram ist nur teilweise eingerichtet"),
        ({"RASA_HOST": "0.0.0.0"}, "✗ REST-Kanal: offen ohne Token"),
        ({"GOCLUSTER_SECRET_KEY": ""}, "Geheimer Schlüssel"),
    ],
)
def test_doctor_names_what_is_wrong(running_bot, capsys, environment, expected):
    from bot.cli.doctor import run
    from tests.conftest import MODEL_PATH

    code = run(str(MODEL_PATH), {**os.environ, **environment})
    out = capsys.readouterr().out
    assert expected in out, out
    if expected.startswith("✗"):
        assert code == 1


def test_doctor_finds_a_missing_model_and_stopped_services(tmp_path, capsys):
    from bot.cli.doctor import run

    environment = {**os.environ, "RASA_PORT": "1", "ACTIONS_PORT": "2", "WEB_PORT": "3"}
    assert run(str(tmp_path / "kein-modell.tar.gz"), environment) == 1
    out = capsys.readouterr().out
    assert "✗ Modell" in out and "make train" in out and "✗ Rasa-Server: antwortet nicht" in out
