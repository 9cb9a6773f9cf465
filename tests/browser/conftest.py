"""Browser tests of the chat widget and the hotline dashboard: real headless Chromium against
the real running servers.

Widget: one stack (action server, Rasa, web server) on spare ports and its own databases.
Dashboard: only the web server, on a database seeded with a staff account and enough tickets,
bookings, drafts and questions to fill every page. One Chromium for the module; a fresh browser
context (empty localStorage, no cookies) for each test. Module, not session scope: Playwright's
sync API keeps an asyncio loop running while it is open, and later tests that call asyncio.run()
would fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INSTALL_HINT = (
    "The browser tests need Debian's Chromium and Python Playwright: "
    "`apt-get install -y chromium` and `.venv/bin/pip install playwright axe-playwright-python` "
    "(versions as in constraints.txt; do not run `playwright install`)."
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Stack:
    web_url: str  # the demo page's origin (the only origin in CORS_ORIGINS)
    foreign_url: str  # the same web server under another origin (not allowed)
    rasa_url: str
    closed_url: str  # nothing listens here
    services: list


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    from tests.conftest import MODEL_PATH

    if not MODEL_PATH.exists():
        pytest.fail(f"{MODEL_PATH} is missing: run the tests with `make test`, which trains it first")
    base: Path = tmp_path_factory.mktemp("widget")
    var = base / "var"
    (var / "log").mkdir(parents=True)
    web, rasa, actions, closed = free_port(), free_port(), free_port(), free_port()
    endpoints = base / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://localhost:{actions}/webhook"\n'
        "tracker_store:\n  type: rasa_ext.tracker_store.EnvSQLTrackerStore\n",
        "utf-8",
    )
    env = {
        "GOCLUSTER_VAR_DIR": str(var),
        "RASA_PORT": str(rasa),
        "ACTIONS_PORT": str(actions),
        "WEB_PORT": str(web),
        "ENDPOINTS_FILE": str(endpoints),
        "DATABASE_URL": f"sqlite:///{var / 'gocluster.db'}",
        "TRACKER_DATABASE_URL": f"sqlite:///{var / 'tracker.db'}",
        "RASA_URL": f"http://127.0.0.1:{rasa}",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{web}",
        # Only this origin may use the bot: http://localhost:<web> serves the same pages but is
        # another origin, so it shows that foreign web sites are refused.
        "CORS_ORIGINS": f"http://127.0.0.1:{web}",
        "RASA_TELEMETRY_ENABLED": "false",
    }
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        from bot.cli.serve import services
        from bot.storage.migrate import upgrade

        upgrade(env["DATABASE_URL"])
        running = services(str(MODEL_PATH))
        for service in running:
            service.start(var / "log", dict(os.environ))
        try:
            deadline = time.monotonic() + 180
            while not all(s.healthy() for s in running):
                dead = [s for s in running if s.exited()]
                if dead or time.monotonic() > deadline:
                    pytest.fail("the bot did not start:\n" + "\n".join(s.log_tail() for s in running))
                time.sleep(0.3)
            yield Stack(
                f"http://127.0.0.1:{web}",
                f"http://localhost:{web}",
                f"http://127.0.0.1:{rasa}",
                f"http://127.0.0.1:{closed}",
                running,
            )
        finally:
            for service in reversed(running):
                service.stop()


@pytest.fixture(scope="module")
def browser():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)) and not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}. {INSTALL_HINT}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(f"Playwright is not installed. {INSTALL_HINT}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser, stack):
    ctx = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin", viewport={"width": 1280, "height": 800})
    ctx.set_default_timeout(20_000)
    yield ctx
    ctx.close()


# --- the hotline dashboard ---------------------------------------------------------------------
STAFF_USER, STAFF_PASSWORD = "anna", "korrekt-pferd-batterie"
GARBAGE = [
    "x" * 990,  # a wall of one letter
    "asdfghjklöäasdfghjklöäasdfghjklöäasdfghjklöäasdfghjklöä qwertz",  # keyboard mashing
    "!!!!!!!!!!?????????",  # no letters
    '{"frage": "json", "liste": [1, 2, 3]}',  # data, not a question
    "<script>alert(1)</script>",  # only code
    "Ich kopiere hier einfach mal alles rein. " * 25,  # pasted text, ~1000 characters
]
LONG_QUESTION = (
    "Wir sind ein Verbund aus Unternehmen, Hochschulen und Kammern in drei Bundesländern und "
    "fragen uns, ob wir als ein Cluster gelten oder ob jedes Land einen eigenen Antrag stellen muss, "
    "und was passiert, wenn eine Hochschule als Trägerin auftritt?"
)


@dataclass
class DashboardStack:
    url: str
    ticket: str  # reference of the ticket with the long transcript
    garbage: int  # distinct unreadable questions logged
    service: object


def _long_transcript(start):
    """A conversation of ~60 lines with the button clicks as Rasa stores them (payloads)."""
    from datetime import timedelta

    consent = [{"title": "Ja, einverstanden", "payload": "/affirm"}, {"title": "Nein", "payload": "/deny"}]
    slots = [
        {"title": "Donnerstag, 3. Dezember 2026, 10:00 Uhr", "payload": "2026-12-03T10:00:00+01:00"},
        {"title": "Donnerstag, 3. Dezember 2026, 11:00 Uhr", "payload": "2026-12-03T11:00:00+01:00"},
    ]
    esca = [
        {"title": "ESCA erklären", "payload": '/ask_glossary{"glossary_term":"esca"}'},
        {"title": "Wie erreiche ich das go-cluster-Team?", "payload": "/faq_kontakt"},
    ]
    turns = [
        ("Nutzer", "Hallo, wir möchten Mitglied werden. Was müssen wir tun?", None),
        ("Assistent", "Die Aufnahme läuft in fünf Schritten. " * 6, esca),
        ("Nutzer", '/ask_glossary{"glossary_term":"esca"}', None),
        ("Assistent", "ESCA (European Secretariat for Cluster Analysis) vergibt die Labels. " * 4, None),
        ("Nutzer", "/faq_kontakt", None),
        ("Assistent", "Sie erreichen das Team unter +49 30 310078-387 oder info@go-cluster.de.", None),
        ("Nutzer", "Ich möchte einen Beratungstermin", None),
        ("Assistent", "Diese Termine sind frei:", slots),
        ("Nutzer", "2026-12-03T10:00:00+01:00", None),
        ("Assistent", "Sind Sie mit der Speicherung einverstanden?", consent),
        ("Nutzer", "/affirm", None),
        (
            "Nutzer",
            "https://www.example.org/ein/sehr/langer/pfad/ohne/leerzeichen/der/nicht/umbrechen/will/"
            "und/trotzdem/auf/einen/schmalen/bildschirm/passen/muss?parameter=wert&noch=einer",
            None,
        ),
        ("Assistent", "Das habe ich leider nicht verstanden.", None),
    ]
    lines = []
    for repeat in range(5):
        for index, (speaker, text, buttons) in enumerate(turns):
            line = {
                "time": (start + timedelta(minutes=repeat * 20 + index)).isoformat(timespec="seconds"),
                "from": speaker,
                "text": text,
            }
            if buttons:
                line["buttons"] = buttons
            lines.append(line)
    return lines


def seed_dashboard(database_url: str) -> dict:
    """Enough of everything to fill each dashboard page, relative to now (the server's clock)."""
    from datetime import datetime, timedelta, timezone

    from bot.applications.service import DraftService
    from bot.booking.calendar import free_slots, load_calendar_config
    from bot.booking.service import BookingRequest, BookingService
    from bot.handoff.service import TicketRequest, TicketService
    from bot.storage.db import session_factory
    from bot.web.dashboard import Dashboard, DashboardOptions

    sessions = session_factory(database_url)
    calendar = load_calendar_config()
    now = datetime.now(timezone.utc)
    Dashboard(database_url, options=DashboardOptions()).accounts.add(STAFF_USER, STAFF_PASSWORD)

    # Tickets: one with a long transcript, others spread over the last eight weeks (statistics).
    def ticket(created, topic, summary, **extra):
        values = dict(
            topic=topic,
            reason="asked_for_person",
            summary=summary,
            contact_name="Berta Beispiel",
            contact_email="berta.beispiel-mit-sehr-langer-adresse@cluster-mit-langem-namen.example.org",
            contact_phone="+49 30 1234567",
            callback_time="vormittags",
            concern="Rückruf erbeten.",
            transcript=[],
            channel="web",
            priority="medium",
        )
        values.update(extra)
        return TicketService(sessions, clock=lambda: created).create(TicketRequest(**values))

    long_one = ticket(
        now - timedelta(hours=3),
        "beratungstermin",
        "Thema: Beratungstermin. Die Person bat um eine persönliche Rückmeldung. Anliegen: " + "Bitte "
        "rufen Sie uns wegen des Termins und der Unterlagen zurück. " * 4,
        transcript=_long_transcript(now - timedelta(hours=5)),
        priority="high",
    )
    topics = [
        "beratungstermin",
        "antrag",
        "kostenbeteiligung",
        "labels",
        "beschwerde",
        "rechtliches",
        "foerderentscheidung",
        "datenschutz",
        "programm",
        "sonstiges",
    ]
    for index in range(30):
        created = ticket(
            now - timedelta(days=index * 53 % 55, hours=index),
            topics[index % len(topics)],
            f"Anfrage {index + 1} zum Thema {topics[index % len(topics)]}",
        )
        if index % 3:
            TicketService(sessions).set_status(created.reference, ("in_progress", "done")[index % 3 - 1])

    # Bookings in the next 14 days (one cancelled), and consultations held in the past with drafts.
    bookings = BookingService(sessions, calendar, clock=lambda: now)
    upcoming = list(free_slots(calendar, now.date(), now.date() + timedelta(days=13), now))[::3][:6]
    for index, slot in enumerate(upcoming):
        booking = bookings.book(
            BookingRequest(
                slot,
                "telefon" if index % 2 else "video",
                f"Person {index} mit einem ziemlich langen Namen",
                "Clustermanagement-Organisation für Wasserstoff- und Brennstoffzellentechnologien e. V.",
                "Cluster Wasserstoffwirtschaft Mitteldeutschland",
                f"person.{index}@sehr-lange-domain-des-clusters.example.org",
                "+49 30 1234567" if index % 2 else None,
                now,
            )
        )
        if index == 1:
            bookings.staff_cancel(booking.reference)
    booked_at = now - timedelta(days=40)
    past = list(free_slots(calendar, (now - timedelta(days=30)).date(), (now - timedelta(days=10)).date(), booked_at))
    drafts = DraftService(sessions)
    for index, slot in enumerate(past[:2]):
        booking = BookingService(sessions, calendar, clock=lambda: booked_at).book(
            BookingRequest(
                slot,
                "video",
                f"Leitung {index}",
                f"Clusterorganisation {index} GmbH",
                f"Cluster {index}",
                f"leitung{index}@example.org",
                None,
                booked_at,
            )
        )
        bookings.mark_held(booking.reference)
        draft = drafts.open(booking.reference, booking.email)
        drafts.save_fields(
            draft.reference,
            {
                "cluster_name": f"Cluster für sehr lange Namen Nummer {index}",
                "organisation": f"Clusterorganisation {index} GmbH",
                "website": "https://www.ein-cluster-mit-einer-sehr-langen-internetadresse.example.org/ueber-uns/",
                "actors_total": 120,
                "actors_companies": 80,
                "actors_smes": 60,
            },
        )

    # Unanswered questions: real ones, a long one, and garbage.
    tickets = TicketService(sessions, clock=lambda: now)
    for text, intent in (
        ("Was kostet der Flux-Kompensator?", "ask_glossary"),
        ("Gibt es Fristen im Sommer?", None),
        ("Wie lange dauert die Aufnahme genau?", "faq_dauer_aufnahme"),
        (LONG_QUESTION, "null"),
        ("Darf ein Verein Mitglied werden?", "action_listen"),
    ):
        tickets.log_unanswered(text, "not_understood", intent, 0.3)
    for text in GARBAGE:
        tickets.log_unanswered(text, "not_understood", "bad_input", 0.9)
    return {"ticket": long_one.reference, "garbage": len(GARBAGE)}


@pytest.fixture(scope="module")
def dashboard_stack(tmp_path_factory):
    """Only the web server (the dashboard needs no Rasa), on its own seeded database."""
    import sys

    from bot.cli.serve import Service

    base: Path = tmp_path_factory.mktemp("dashboard")
    var = base / "var"
    (var / "log").mkdir(parents=True)
    web = free_port()
    env = {
        "GOCLUSTER_VAR_DIR": str(var),
        "WEB_PORT": str(web),
        "DATABASE_URL": f"sqlite:///{var / 'gocluster.db'}",
        "TRACKER_DATABASE_URL": f"sqlite:///{var / 'tracker.db'}",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{web}",
        "RASA_URL": f"http://127.0.0.1:{free_port()}",
    }
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        from bot.storage.migrate import upgrade

        upgrade(env["DATABASE_URL"])
        seeded = seed_dashboard(env["DATABASE_URL"])
        server = Service("web", [sys.executable, "-m", "bot", "web"], f"http://127.0.0.1:{web}/health/live")
        server.start(var / "log", dict(os.environ))
        try:
            deadline = time.monotonic() + 60
            while not server.healthy():
                if server.exited() or time.monotonic() > deadline:
                    pytest.fail("the web server did not start:\n" + server.log_tail())
                time.sleep(0.2)
            yield DashboardStack(f"http://127.0.0.1:{web}", seeded["ticket"], seeded["garbage"], server)
        finally:
            server.stop()
