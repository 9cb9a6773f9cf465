"""Hand-off to the hotline: rules, tickets, transcripts, unanswered questions, data protection."""

from __future__ import annotations

import asyncio
import email as email_lib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

import actions.handoff as handoff
import actions.knowledge as knowledge_actions
from bot.applications.service import DraftService
from bot.booking.calendar import load_calendar_config
from bot.booking.service import BookingNotFound, BookingRequest, BookingService
from bot.config import PROJECT_ROOT
from bot.handoff import rules
from bot.handoff.service import TicketRequest, TicketService
from bot.privacy import Privacy
from bot.requester import Requester
from bot.storage.db import session_factory, unit_of_work
from bot.storage.models import SlotHold
from rasa_ext.conversations import SqlConversationStore
from tests.conftest import mark_held_after_start, slots_of, user_event

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 28, 10, tzinfo=BERLIN)
DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text("utf-8"))


# --- rules --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def config():
    return rules.load_config()


@pytest.mark.parametrize(
    "intents, topic",
    [
        (["greet", "faq_gold_antrag", "nlu_fallback", "ask_human"], "kostenbeteiligung"),
        (["book_consultation", "affirm"], "beratungstermin"),
        (["faq_pflichten", "complaint"], "beschwerde"),
        (["greet", "nlu_fallback", "nlu_fallback"], "sonstiges"),
        ([], "sonstiges"),
        (["create_draft", "legal_question"], "rechtliches"),
    ],
)
def test_topic_is_the_latest_subject(config, intents, topic):
    assert rules.topic_of(config, intents) == topic


@pytest.mark.parametrize(
    "reason, topic, concern, priority",
    [
        (rules.SENSITIVE_TOPIC, "beschwerde", "Niemand antwortet", "high"),
        (rules.ASKED_FOR_PERSON, "rechtliches", "Frage zum Widerspruch", "high"),  # sensitive topic
        (rules.ASKED_FOR_PERSON, "antrag", "Bitte dringend zurückrufen", "high"),  # urgent wording
        (rules.ASKED_FOR_PERSON, "antrag", "Unsere Frist läuft bald ab", "high"),
        (rules.ASKED_FOR_PERSON, "antrag", "Frage zum Strategiedokument", "medium"),
        (rules.NOT_UNDERSTOOD, "sonstiges", "irgendwas mit Labels", "low"),
        (rules.NOT_UNDERSTOOD, "sonstiges", "bitte heute noch melden", "high"),
    ],
)
def test_priority_rule(config, reason, topic, concern, priority):
    assert rules.priority(config, reason, topic, concern) == priority


def test_summary_is_short_german_text(config):
    text = rules.summary(config, rules.NOT_UNDERSTOOD, "kostenbeteiligung", "Wie läuft die Abrechnung?", "morgen")
    assert text == (
        "Thema: Gold-Label-Kostenbeteiligung. Der Assistent hat das Anliegen zweimal nicht verstanden. "
        "Anliegen: Wie läuft die Abrechnung? Rückruf gewünscht: morgen."
    )


def test_every_topic_intent_exists_in_the_domain(config):
    assert set(config.topic_of_intent) <= set(DOMAIN["intents"])


# --- tickets ------------------------------------------------------------------------------------
@pytest.fixture
def tickets(database_url):
    return TicketService(session_factory(database_url), clock=lambda: NOW)


def request(**overrides):
    values = dict(
        topic="antrag",
        reason=rules.ASKED_FOR_PERSON,
        summary="Thema: Antrag.",
        contact_name="Anna",
        contact_email="Anna@Example.org",
        contact_phone=None,
        callback_time="morgen",
        concern="Frage",
        transcript=[{"time": "t", "from": "Nutzer", "text": "Hallo"}],
        channel="rest",
        priority="medium",
    )
    values.update(overrides)
    return TicketRequest(**values)


def test_ticket_lifecycle(tickets):
    ticket = tickets.create(request())
    assert ticket.reference.startswith("GC-T-") and ticket.status == "new"
    assert ticket.contact_email == "anna@example.org"
    assert tickets.get(ticket.reference).transcript == [{"time": "t", "from": "Nutzer", "text": "Hallo"}]
    assert tickets.set_status(ticket.reference, "in_progress").status == "in_progress"
    assert [t.reference for t in tickets.list(status="in_progress")] == [ticket.reference]
    assert tickets.list(status="new") == [] and tickets.list(topic="beschwerde") == []
    assert len(tickets.list(first_day=NOW.date(), last_day=NOW.date())) == 1
    assert tickets.list(first_day=NOW.date() + timedelta(days=1)) == []


def test_tickets_per_topic_and_week(tickets):
    tickets.create(request())
    tickets.create(request(topic="beschwerde"))
    tickets.create(request(topic="beschwerde"))
    stats = tickets.per_topic_and_week()
    assert stats == {(2026, 48): {"antrag": 1, "beschwerde": 2}}


def test_unanswered_questions_are_counted(tickets):
    for text in ("Was ist ein Flux-Kompensator?", "was ist ein flux kompensator", "Wetter?"):
        tickets.log_unanswered(text, "not_understood", "out_of_scope", 0.21)
    tickets.log_unanswered("   ", "not_understood")  # empty: not logged
    counted = tickets.unanswered()
    assert [(q.count, q.kind) for q in counted] == [(2, "not_understood"), (1, "not_understood")]
    assert counted[0].guessed_intent == "out_of_scope"


# --- data protection ----------------------------------------------------------------------------
def test_retention_deletes_old_tickets_questions_and_conversations(database_url, tmp_path):
    sessions = session_factory(database_url)
    old = TicketService(sessions, clock=lambda: NOW - timedelta(days=91))
    old.create(request())
    old.log_unanswered("alte Frage", "not_understood")
    recent = TicketService(sessions, clock=lambda: NOW - timedelta(days=10))
    kept = recent.create(request())
    recent.log_unanswered("neue Frage", "not_understood")
    privacy = Privacy(
        sessions, SqlConversationStore(f"sqlite:///{tmp_path / 'empty.db'}"), 90, timedelta(days=1), clock=lambda: NOW
    )
    lapsed = BookingService(sessions, load_calendar_config(), clock=lambda: NOW - timedelta(days=1))
    lapsed.hold(datetime(2026, 12, 3, 10, tzinfo=BERLIN), "web:gone")
    running = BookingService(sessions, load_calendar_config(), clock=lambda: NOW)
    running.hold(datetime(2026, 12, 3, 11, tzinfo=BERLIN), "web:choosing")
    result = privacy.apply_retention()
    assert (result.tickets, result.questions) == (1, 1)
    assert [t.reference for t in recent.list()] == [kept.reference]
    assert [q.text for q in recent.unanswered()] == ["neue Frage"]
    with unit_of_work(sessions) as session:  # the lapsed hold is gone, the running one stays
        assert session.execute(select(SlotHold.conversation_id)).scalars().all() == ["web:choosing"]


class RecordingStore:
    def __init__(self):
        self.deleted = []

    def transcript(self, conversation_id):
        return []

    def delete(self, conversation_ids):
        self.deleted.append(list(conversation_ids))
        return len(self.deleted[-1])

    def delete_inactive_since(self, cutoff):
        return 0


def test_delete_my_data_removes_the_booking_and_its_conversations_only(database_url, tmp_path):
    sessions = session_factory(database_url)
    conversations = RecordingStore()
    privacy = Privacy(sessions, conversations, 90, timedelta(days=1), clock=lambda: NOW)
    bookings = BookingService(sessions, load_calendar_config(), clock=lambda: NOW)
    booking = bookings.book(
        BookingRequest(
            datetime(2026, 12, 3, 10, tzinfo=BERLIN),
            "video",
            "Anna",
            "Org",
            "Cl",
            "anna@example.org",
            None,
            NOW,
            conversation_id="web:booked-here",
        )
    )
    # A second booking with the same address, made elsewhere (maybe by someone else): not tied to this one.
    same_address = bookings.book(
        BookingRequest(
            datetime(2026, 12, 3, 11, tzinfo=BERLIN),
            "video",
            "X",
            "Org2",
            "Cl2",
            "anna@example.org",
            None,
            NOW,
            conversation_id="web:other",
        )
    )
    mark_held_after_start(bookings, booking.reference)
    DraftService(sessions).open(booking.reference, booking.email)
    tickets = TicketService(sessions)
    tickets.create(request(contact_email="anna@example.org", conversation_id="web:booked-here"))
    tickets.create(request(contact_email="anna@example.org", conversation_id="web:asking-now"))
    tickets.create(request(contact_email="anna@example.org", conversation_id="web:other"))
    tickets.log_unanswered("eine Frage", "not_understood", conversation_id="web:asking-now")
    tickets.log_unanswered("fremde Frage", "not_understood", conversation_id="web:other")
    bookings.hold(datetime(2026, 12, 4, 10, tzinfo=BERLIN), "web:asking-now")  # choosing a new slot right now
    asking = Requester("web:asking-now", None)
    with pytest.raises(BookingNotFound):
        privacy.delete_my_data(booking.reference, "bob@example.org", asking)
    assert conversations.deleted == []
    result = privacy.delete_my_data(booking.reference.lower(), "ANNA@example.org", asking)
    assert (result.bookings, result.drafts, result.tickets, result.questions) == (1, 1, 2, 1)
    assert result.conversations == ("web:asking-now", "web:booked-here")
    # The booking's conversation at once; the asking one is erased by the tracker store after the turn.
    assert conversations.deleted == [["web:booked-here"]]
    with pytest.raises(BookingNotFound):
        bookings.get(booking.reference)
    assert bookings.get(same_address.reference).email == "anna@example.org"  # not tied: untouched
    assert [t.contact_email for t in tickets.list()] == ["anna@example.org"]  # the one from web:other
    assert [q.text for q in tickets.unanswered()] == ["fremde Frage"]
    with unit_of_work(sessions) as session:
        assert session.execute(select(SlotHold)).scalars().all() == []  # the conversation's hold too
    assert bookings.book(
        BookingRequest(datetime(2026, 12, 3, 10, tzinfo=BERLIN), "video", "C", "O", "C", "c@example.org", None, NOW)
    )  # the slot is free again


# --- actions -----------------------------------------------------------------------------------
def run(action, tracker_):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_, DOMAIN))
    return "\n".join(m.get("text") or "" for m in dispatcher.messages), dispatcher.messages, events


def plain(text="", intent="nlu_fallback", slots=None, entities=None, events=None):
    event = user_event(text, intent, entities=entities)
    return Tracker(
        "sender-1", slots or {}, event["parse_data"], (events or []) + [event], False, None, {}, "action_listen"
    )


def form(slot, text, intent="nlu_fallback", slots=None):
    event = user_event(text, intent)
    values = {"requested_slot": slot, **(slots or {}), slot: text}
    return Tracker(
        "sender-1",
        values,
        event["parse_data"],
        [event, {"event": "slot", "name": slot, "value": text}],
        False,
        None,
        {"name": "handoff_form"},
        "action_listen",
    )


@pytest.mark.parametrize(
    "intent, entities, reason, wording",
    [
        ("ask_human", None, "asked_for_person", "damit sich eine Person"),
        ("complaint", None, "sensitive_topic", "nicht verbindlich helfen"),
        ("legal_question", None, "sensitive_topic", "rechtliche Fragen"),
        ("funding_decision", None, "sensitive_topic", "Entscheidungen über einzelne Anträge"),
        ("ask_human", [{"entity": "handoff_reason", "value": "not_understood"}], "not_understood", "damit eine Person"),
    ],
)
def test_each_trigger_explains_and_gives_contact(intent, entities, reason, wording):
    text, _, events = run(handoff.ActionHandoffIntro(), plain("x", intent, entities=entities))
    assert wording in text and "+49 30 310078-387" in text and "info@go-cluster.de" in text
    assert "Sprechzeiten sind in meinen Quellen nicht angegeben" in text
    assert slots_of(events) == {"handoff_reason": reason}


def test_hours_come_from_configuration(configure):
    configure(HOTLINE_HOURS="Mo–Fr 9–16 Uhr")
    text, _, _ = run(handoff.ActionHandoffIntro(), plain("x", "ask_human"))
    assert "Sprechzeiten: Mo–Fr 9–16 Uhr." in text


@pytest.mark.parametrize("text, stored", [("anna@example.org", "anna@example.org"), ("+49 30 1234567", "+49301234567")])
def test_contact_is_email_or_phone(text, stored):
    _, _, events = run(handoff.ValidateHandoffForm(), form("handoff_contact", text, slots={"handoff_consent": True}))
    assert slots_of(events)["handoff_contact"] == stored


@pytest.mark.parametrize(
    "slot, text, hint",
    [
        ("handoff_contact", "ruf mich an", "weder eine gültige E-Mail-Adresse noch eine Telefonnummer"),
        ("handoff_callback", "gestern", "Vergangenheit"),
        ("handoff_concern", "x" * 600, "höchstens 500 Zeichen"),
        ("handoff_name", "Hallo", "Bitte nennen Sie Ihren Namen"),
        ("handoff_name", "weiß ich nicht", "Bitte nennen Sie Ihren Namen"),
    ],
)
def test_invalid_handoff_answers_get_hints(slot, text, hint):
    out, _, events = run(handoff.ValidateHandoffForm(), form(slot, text, slots={"handoff_consent": True}))
    assert hint in out and slots_of(events)[slot] is None


@pytest.mark.parametrize(
    "slot, text",
    [
        ("handoff_concern", "Wie lange dauert die Zertifizierung?"),  # a question is a fine concern
        ("handoff_callback", "egal"),
        ("handoff_name", "Anna Ja-Schmidt"),
    ],
)
def test_handoff_texts_that_are_answers(slot, text):
    _, _, events = run(handoff.ValidateHandoffForm(), form(slot, text, slots={"handoff_consent": True}))
    assert slots_of(events)[slot] == text


def test_declined_consent_creates_nothing(database_url, make_services):
    service = make_services(database_url).tickets
    _, _, events = run(handoff.ValidateHandoffForm(), form("handoff_consent", "nein", "deny"))
    assert slots_of(events)["handoff_consent"] is False and slots_of(events)["requested_slot"] is None
    text, _, _ = run(handoff.ActionCreateTicket(), plain(slots={"handoff_consent": False}))
    assert "speichere nichts" in text and service.list() == []


def test_ticket_is_created_with_transcript_and_mailed_to_the_hotline(
    database_url, monkeypatch, make_services, smtp_sink
):
    service = make_services(
        database_url,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp_sink.port),
        HOTLINE_NOTIFY_EMAIL="info@go-cluster.example",
    ).tickets
    monkeypatch.setattr(handoff.services().conversations, "transcript", lambda sender: [])  # use the session's events
    history = [
        {
            "event": "user",
            "text": "Bekommen wir die Kostenbeteiligung?",
            "timestamp": 1795000000,
            "parse_data": {"intent": {"name": "cost_share_check"}},
        },
        {"event": "bot", "text": "Ich prüfe mit Ihnen ...", "timestamp": 1795000001},
    ]
    slots = {
        "handoff_consent": True,
        "handoff_name": "Anna Muster",
        "handoff_contact": "anna@example.org",
        "handoff_callback": "morgen vormittag",
        "handoff_concern": "Bitte dringend Rückruf wegen Frist",
        "handoff_reason": "asked_for_person",
    }
    text, _, events = run(handoff.ActionCreateTicket(), plain("dringend", "ask_human", slots, events=history))
    (ticket,) = service.list()
    assert f"unter der Nummer {ticket.reference}" in text
    assert (ticket.topic, ticket.priority, ticket.reason) == ("kostenbeteiligung", "high", "asked_for_person")
    assert ticket.contact_email == "anna@example.org" and ticket.callback_time == "morgen vormittag"
    assert ticket.transcript[0]["text"] == "Bekommen wir die Kostenbeteiligung?"
    assert all(value is None for value in slots_of(events).values())
    ((_sender, recipients, data),) = smtp_sink.messages
    message = email_lib.message_from_bytes(data if isinstance(data, bytes) else data.encode())
    assert recipients == ["info@go-cluster.example"] and f"{ticket.reference} (hoch)" in message["Subject"]
    body = message.get_payload(decode=True).decode("utf-8")
    assert "Bekommen wir die Kostenbeteiligung?" in body and "Priorität: hoch" in body  # the label, not the code


def test_not_understood_questions_are_logged(database_url, make_services):
    service = make_services(database_url).tickets
    ranking = [{"name": "nlu_fallback", "confidence": 0.9}, {"name": "faq_labels", "confidence": 0.2}]
    event = user_event("wie geht das mit dem dingsbums", "nlu_fallback", 0.9, ranking=ranking)
    tracker = Tracker("s", {}, event["parse_data"], [event], False, None, {}, "action_listen")
    asyncio.run(knowledge_actions.ActionClarify().run(CollectingDispatcher(), tracker, DOMAIN))
    run(knowledge_actions.ActionExplainTerm(), plain("Was ist ein Flux-Kompensator?", "ask_glossary"))
    run(knowledge_actions.ActionExplainTerm(), plain("Was ist ESCA?", "ask_glossary"))  # known: not logged
    logged = {(q.text, q.kind, q.guessed_intent) for q in service.unanswered()}
    assert logged == {
        ("wie geht das mit dem dingsbums", "not_understood", "faq_labels"),
        ("Was ist ein Flux-Kompensator?", "unknown_term", "ask_glossary"),
    }


def test_retention_command(capsys):
    from bot.cli import main

    assert main(["retention", "run", "--days", "90"]) == 0
    assert "Gelöscht:" in capsys.readouterr().out


def test_the_hand_off_helps_after_two_failures_with_the_hotline_and_a_skip_for_the_callback_time():
    slots = {"handoff_consent": True, "form_failures": {"slot": "handoff_callback", "count": 1}}
    out, messages, events = run(handoff.ValidateHandoffForm(), form("handoff_callback", "gestern", slots=slots))
    buttons = [(b["title"], b["payload"]) for m in messages for b in (m.get("buttons") or [])]
    assert buttons == [("Überspringen", "keine Angabe"), ("Abbrechen", "/stop")]  # no hand-off inside the hand-off
    assert "+49 30 310078-387" in out
    _, _, events = run(handoff.ValidateHandoffForm(), form("handoff_callback", "keine Angabe", slots=slots))
    assert slots_of(events)["handoff_callback"] == "keine Angabe" and slots_of(events)["form_failures"] is None


def test_a_hand_off_out_of_a_form_forgets_the_unfinished_process():
    started = {
        "consultation_format": "video",
        "person_name": "Anna Muster",
        "form_failures": {"slot": "email", "count": 2},
    }
    entities = [{"entity": "handoff_reason", "value": "not_understood"}]
    _, _, events = run(handoff.ActionHandoffIntro(), plain("x", "ask_human", slots=started, entities=entities))
    assert slots_of(events) == {
        "consultation_format": None,
        "person_name": None,
        "form_failures": None,
        "handoff_reason": "not_understood",
    }
