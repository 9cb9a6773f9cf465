"""Transcripts as the user saw them: button payloads shown as the titles the bot offered."""

from __future__ import annotations

import asyncio
import email as email_lib
from zoneinfo import ZoneInfo

import pytest

from bot.conversations import transcript_from_events
from bot.handoff.readable import PayloadLabels, load_payload_labels, payload_label, readable_transcript, shown_text

BERLIN = ZoneInfo("Europe/Berlin")
LABELS = PayloadLabels(
    intents={
        "affirm": "Ja",
        "deny": "Nein",
        "faq_kontakt": "Wie erreiche ich das go-cluster-Team?",
        "ask_glossary": "Begriff erklären",
        "guide_goto": "Zu einem Schritt springen",
    },
    terms={"esca": "ESCA"},
    term_button="{term} erklären",
    tz=BERLIN,
)
SLOT_TITLE = "Donnerstag, 3. Dezember 2026, 10:00 Uhr"
CONSENT = [{"title": "Ja, einverstanden", "payload": "/affirm"}, {"title": "Nein", "payload": "/deny"}]
HANDOFF = [{"title": "Ja, bitte weitergeben", "payload": "/affirm"}]
SLOTS = [
    {"title": SLOT_TITLE, "payload": "2026-12-03T10:00:00+01:00"},
    {"title": "Donnerstag, 3. Dezember 2026, 11:00 Uhr", "payload": "2026-12-03T11:00:00+01:00"},
]
ESCA = [{"title": "ESCA erklären", "payload": '/ask_glossary{"glossary_term":"esca"}'}]


@pytest.mark.parametrize(
    "text, offered, shown",
    [
        # The title of the button the bot offered.
        ("/affirm", [CONSENT], ("Ja, einverstanden", True)),
        ("/deny", [CONSENT], ("Nein", True)),
        ("/affirm", [HANDOFF, CONSENT], ("Ja, bitte weitergeben", True)),  # the nearest offer wins
        ("/deny", [HANDOFF, CONSENT], ("Nein", True)),  # ... or an earlier one
        ('/ask_glossary{"glossary_term":"esca"}', [ESCA], ("ESCA erklären", True)),
        ("2026-12-03T10:00:00+01:00", [SLOTS], (SLOT_TITLE, True)),
        (" /affirm ", [CONSENT], ("Ja, einverstanden", True)),
        # Not offered (the offer lies before the transcript's start, or an old ticket without buttons).
        ("/affirm", [], ("Ja", True)),
        ("/deny", [], ("Nein", True)),
        ("/faq_kontakt", [], ("Wie erreiche ich das go-cluster-Team?", True)),
        ('/ask_glossary{"glossary_term":"esca"}', [], ("ESCA erklären", True)),
        ('/ask_glossary{"glossary_term": "esca"}', [ESCA], ("ESCA erklären", True)),  # other spacing: the label
        ('/ask_glossary{"glossary_term":"gibtsnicht"}', [], ("Begriff erklären", True)),
        ('/guide_goto{"guide_target":"3"}', [], ("Zu einem Schritt springen", True)),
        ("2026-12-03T10:00:00+01:00", [], (SLOT_TITLE, True)),
        ("2026-12-03T09:00:00+00:00", [], (SLOT_TITLE, True)),  # in the calendar's zone
        ("2026-12-03T09:00:00Z", [], (SLOT_TITLE, True)),
        # What the user typed stays as it is.
        ("Was ist ESCA?", [ESCA], ("Was ist ESCA?", False)),
        ("ja", [CONSENT], ("ja", False)),
        ("/hallo", [], ("/hallo", False)),  # no intent of ours
        ("/etc/passwd", [], ("/etc/passwd", False)),
        ("/affirm{kaputt", [], ("/affirm{kaputt", False)),
        ('/affirm["liste"]', [], ('/affirm["liste"]', False)),
        ("2026-13-45T10:00:00+01:00", [], ("2026-13-45T10:00:00+01:00", False)),  # no real date
        ("2026-12-03", [], ("2026-12-03", False)),  # a typed date
        ("", [CONSENT], ("", False)),
    ],
)
def test_shown_text(text, offered, shown):
    assert shown_text(text, offered, LABELS) == shown


def test_labels_come_from_the_content():
    labels = load_payload_labels()
    assert payload_label("/affirm", labels) == "Ja" and payload_label("/deny", labels) == "Nein"
    assert payload_label("/faq_kontakt", labels) == "Wie erreiche ich das go-cluster-Team?"
    assert payload_label('/ask_glossary{"glossary_term":"esca"}', labels) == "ESCA erklären"
    assert payload_label("/book_consultation", labels) == "Beratungstermin vereinbaren"
    assert payload_label("/bad_input", labels) is None and payload_label("Hallo", labels) is None
    assert payload_label("2026-12-03T09:00:00+00:00", labels) == SLOT_TITLE


def test_readable_transcript_replaces_clicks_and_lists_offered_buttons():
    lines = [
        {"time": "t1", "from": "Nutzer", "text": "Ich möchte einen Beratungstermin"},
        {"time": "t2", "from": "Assistent", "text": "Diese Termine sind frei:", "buttons": SLOTS},
        {"time": "t3", "from": "Nutzer", "text": "2026-12-03T10:00:00+01:00"},
        {"time": "t4", "from": "Assistent", "text": "Sind Sie einverstanden?", "buttons": CONSENT},
        {"time": "t5", "from": "Nutzer", "text": "/affirm"},
        {"time": "t6", "from": "Assistent", "text": "Soll ich weitergeben?", "buttons": HANDOFF},
        {"time": "t7", "from": "Nutzer", "text": "/affirm"},
        {"time": "t8", "from": "Nutzer", "text": "/faq_kontakt"},
    ]
    original = [dict(line) for line in lines]
    shown = readable_transcript(lines, LABELS)
    assert [(line["from"], line["text"], line["button"]) for line in shown] == [
        ("Nutzer", "Ich möchte einen Beratungstermin", False),
        ("Assistent", "Diese Termine sind frei:", False),
        ("Nutzer", SLOT_TITLE, True),
        ("Assistent", "Sind Sie einverstanden?", False),
        ("Nutzer", "Ja, einverstanden", True),
        ("Assistent", "Soll ich weitergeben?", False),
        ("Nutzer", "Ja, bitte weitergeben", True),
        ("Nutzer", "Wie erreiche ich das go-cluster-Team?", True),
    ]
    assert shown[3]["offered"] == ["Ja, einverstanden", "Nein"] and shown[4]["offered"] == []
    assert all("buttons" not in line for line in shown) and [line["time"] for line in shown] == [
        f"t{i}" for i in range(1, 9)
    ]
    assert lines == original  # the stored transcript is not changed


def test_old_and_odd_transcript_lines_are_shown_as_they_are():
    lines = [
        {"time": "t", "from": "Assistent", "text": "Hallo", "buttons": "kaputt"},
        {"time": "t", "from": "Nutzer", "text": "/deny"},
        {"time": "t", "from": "Assistent", "text": "Gut", "buttons": [None, {"payload": "/x"}]},
    ]
    shown = readable_transcript(lines, LABELS)
    assert [(line["text"], line["offered"]) for line in shown] == [("Hallo", []), ("Nein", []), ("Gut", [])]


def test_bot_buttons_are_kept_from_the_tracker_store(tmp_path):
    """Rasa keeps a bot message's buttons in the stored event's data.buttons; a click is the payload."""
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from rasa_ext.tracker_store import EnvSQLTrackerStore

    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    store = EnvSQLTrackerStore(domain=Domain.empty(), host=url)
    events = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        UserUttered("Beratung bitte"),
        BotUttered("Einverstanden?", data={"buttons": CONSENT, "elements": None, "custom": None}),
        UserUttered("/affirm", {"name": "affirm", "confidence": 1.0}),
        BotUttered("Danke."),
    ]
    asyncio.run(store.save(DialogueStateTracker.from_events("anna", events)))
    from rasa_ext.conversations import SqlConversationStore

    stored = SqlConversationStore(url).transcript("anna")
    assert stored[1]["buttons"] == CONSENT and "buttons" not in stored[3]
    assert [line["text"] for line in stored] == ["Beratung bitte", "Einverstanden?", "/affirm", "Danke."]
    assert [line["text"] for line in readable_transcript(stored, LABELS)][2] == "Ja, einverstanden"

    # The same from the events the action server receives (the fallback when the store is unreachable).
    as_sent = [event.as_dict() for event in events]
    assert transcript_from_events(as_sent) == stored


def test_hotline_mail_shows_what_the_user_clicked(database_url, monkeypatch, make_services, smtp_sink):
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from actions import handoff
    from tests.conftest import user_event
    from tests.test_handoff import DOMAIN

    services = make_services(
        database_url,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp_sink.port),
        HOTLINE_NOTIFY_EMAIL="info@go-cluster.example",
    )
    monkeypatch.setattr(services.conversations, "transcript", lambda sender: [])  # use the session's events
    history = [
        {
            "event": "bot",
            "text": "Soll ich Ihr Anliegen weitergeben?",
            "timestamp": 1795000000,
            "data": {"buttons": HANDOFF + [{"title": "Nein, danke", "payload": "/deny"}]},
        },
        {"event": "user", "text": "/affirm", "timestamp": 1795000001, "parse_data": {"intent": {"name": "affirm"}}},
        {
            "event": "user",
            "text": '/ask_glossary{"glossary_term":"esca"}',
            "timestamp": 1795000002,
            "parse_data": {"intent": {"name": "ask_glossary"}},
        },
    ]
    slots = {
        "handoff_consent": True,
        "handoff_name": "Anna Muster",
        "handoff_contact": "anna@example.org",
        "handoff_callback": "morgen",
        "handoff_concern": "Bitte um Rückruf",
        "handoff_reason": "asked_for_person",
    }
    event = user_event("Rückruf", "ask_human")
    tracker = Tracker("sender-1", slots, event["parse_data"], history + [event], False, None, {}, "action_listen")
    asyncio.run(handoff.ActionCreateTicket().run(CollectingDispatcher(), tracker, DOMAIN))
    (ticket,) = services.tickets.list()
    assert ticket.transcript[1]["text"] == "/affirm"  # stored as it happened
    ((_sender, _recipients, data),) = smtp_sink.messages
    body = email_lib.message_from_bytes(data if isinstance(data, bytes) else data.encode()).get_payload(decode=True)
    body = body.decode("utf-8")
    assert "Nutzer (per Button): Ja, bitte weitergeben" in body
    assert "Nutzer (per Button): ESCA erklären" in body
    assert "Assistent: Soll ich Ihr Anliegen weitergeben?\n(Buttons: Ja, bitte weitergeben | Nein, danke)\n" in body
    assert "/affirm" not in body and "glossary_term" not in body


def test_dashboard_ticket_shows_button_titles(database_url, monkeypatch):
    from datetime import datetime

    from bot.web.dashboard import Dashboard, DashboardOptions, passwords
    from tests.test_dashboard import PASSWORD, START, FakeClock, login, run, ticket

    monkeypatch.setattr(passwords, "DEFAULT_COST", passwords.Cost(n=2**10, r=8, p=1))  # cheap hashing
    board = Dashboard(database_url, FakeClock(START), DashboardOptions())
    board.accounts.add("anna", PASSWORD)
    lines = [
        {"time": "2026-11-27T09:00:00+00:00", "from": "Assistent", "text": "Einverstanden?", "buttons": CONSENT},
        {"time": "2026-11-27T09:00:05+00:00", "from": "Nutzer", "text": "/affirm"},
        {"time": "2026-11-27T09:00:09+00:00", "from": "Nutzer", "text": "/faq_kontakt"},
        {"time": "2026-11-27T09:00:12+00:00", "from": "Nutzer", "text": "2026-12-03T09:00:00+00:00"},
    ]
    created = ticket(board, datetime(2026, 11, 27, 10, tzinfo=BERLIN), transcript=lines)

    async def scenario(client):
        await login(client)
        return await (await client.get(f"/hotline/anfragen/{created.reference}")).text()

    page = run(board, scenario)
    assert "Ja, einverstanden" in page and "Wie erreiche ich das go-cluster-Team?" in page and SLOT_TITLE in page
    assert "/affirm" not in page and "/faq_kontakt" not in page and "2026-12-03T09" not in page
    assert page.count("per Button gewählt") == 3
    assert '<span class="transcript__button">Nein</span>' in page
