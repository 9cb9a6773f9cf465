"""Abuse of the use cases: guessing booking references, booking or opening tickets without end,
flooding a mailbox, and using someone else's e-mail address to reach their data."""

from __future__ import annotations

import email as email_lib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.applications.service import DraftService
from bot.booking.service import BookingNotFound, BookingRequest
from bot.handoff.desk import Concern
from bot.ratelimit import RateLimited
from bot.requester import Requester
from tests.conftest import mark_held_after_start

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=BERLIN)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock()


def slot(day: int, hour: int) -> datetime:
    return datetime(2026, 12, day, hour, tzinfo=BERLIN)


def request(
    when: datetime, email: str = "anna@example.org", name: str = "Anna Muster", organisation: str = "Cluster Nord GmbH"
) -> BookingRequest:
    return BookingRequest(when, "video", name, organisation, "Cluster Nord", email, None, NOW)


def guesses():
    """Wrong references in the valid format."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return (f"GC-B-{alphabet[i % 32]}{alphabet[(i // 32) % 32]}ZZZ" for i in range(10_000))


# --- booking references ------------------------------------------------------------------------
def test_guessing_references_from_one_conversation_is_stopped(database_url, make_services, clock):
    services = make_services(database_url, clock=clock)
    real = services.consultations.book(request(slot(3, 10)), Requester("web:anna", "client-anna")).booking
    attacker = Requester("web:attacker", "client-attacker")
    wrong = guesses()
    for _ in range(5):
        with pytest.raises(BookingNotFound):
            services.consultations.identify(next(wrong), "anna@example.org", attacker)
    with pytest.raises(RateLimited):  # even the right pair: this conversation has used up its tries
        services.consultations.identify(real.reference, "anna@example.org", attacker)
    # Anna, in her own conversation, still finds her booking.
    assert services.consultations.identify(real.reference, "anna@example.org", Requester("web:anna", "client-anna"))


def test_guessing_from_many_conversations_of_one_address_is_stopped(database_url, make_services, clock):
    services = make_services(database_url, clock=clock)
    wrong = guesses()
    refused = 0
    for index in range(40):  # a new conversation for every few tries
        try:
            services.consultations.identify(
                next(wrong), f"person{index % 7}@example.org", Requester(f"web:c{index // 4}", "one-client")
            )
        except BookingNotFound:
            pass
        except RateLimited:
            refused += 1
    assert refused == 20  # the address's 20 tries per hour are spent


def test_guessing_one_address_from_many_addresses_is_stopped(database_url, make_services, clock):
    services = make_services(database_url, clock=clock)
    real = services.consultations.book(request(slot(3, 10)), Requester("web:anna", "client-anna")).booking
    wrong = guesses()
    for index in range(10):  # a botnet: every try from another address and conversation
        with pytest.raises(BookingNotFound):
            services.consultations.identify(next(wrong), "anna@example.org", Requester(f"web:{index}", f"ip-{index}"))
    with pytest.raises(RateLimited):
        services.consultations.identify(real.reference, "anna@example.org", Requester("web:x", "ip-x"))
    # Other addresses are not affected, and after the window Anna's booking is found again.
    other = services.consultations.book(request(slot(3, 11), email="bob@example.org"), Requester("web:b", "b"))
    assert services.consultations.identify(other.booking.reference, "bob@example.org", Requester("web:y", "ip-y"))
    clock.now += timedelta(hours=1)
    assert services.consultations.identify(real.reference, "anna@example.org", Requester("web:anna", "client-anna"))


def test_the_lookup_action_explains_the_limit_in_german(database_url, make_services, clock, monkeypatch):
    import actions.booking as booking_actions
    from tests.conftest import make_tracker, run_action, texts_of, user_event

    make_services(database_url, clock=clock)
    monkeypatch.setattr(booking_actions, "now", clock)
    wrong = guesses()
    for _ in range(6):
        event = user_event("anna@example.org", "nlu_fallback")
        tracker = make_tracker(
            [event],
            slots={"booking_reference": next(wrong), "lookup_email": "anna@example.org", "lookup_purpose": "show"},
        )
        messages, _ = run_action(booking_actions.ActionHandleBookingLookup(), tracker)
    assert "zu viele Versuche" in texts_of(messages) and "Minuten" in texts_of(messages)


# --- bookings and tickets without end ------------------------------------------------------------
def test_bookings_are_limited_per_conversation_and_per_address(database_url, make_services, clock):
    services = make_services(database_url, clock=clock)
    for hour in (9, 10, 11):
        services.consultations.book(request(slot(3, hour)), Requester("web:one", "client-1"))
    with pytest.raises(RateLimited):
        services.consultations.book(request(slot(3, 13)), Requester("web:one", "client-1"))
    for index, hour in enumerate((13, 14, 15, 9, 10, 11, 13)):  # new conversations, same address
        services.consultations.book(
            request(slot(4, hour) if index < 3 else slot(7, hour)), Requester(f"web:n{index}", "client-1")
        )
    with pytest.raises(RateLimited):  # the address's 10 per day
        services.consultations.book(request(slot(7, 14)), Requester("web:n99", "client-1"))
    assert len(services.bookings.bookings_between(slot(1, 0).date(), slot(31, 0).date())) == 10


def test_tickets_are_limited(database_url, make_services, clock):
    services = make_services(database_url, clock=clock)
    concern = Concern(
        "asked_for_person", ("ask_human",), "Anna", "anna@example.org", None, None, "Bitte Rückruf", [], "rest"
    )
    for _ in range(3):
        services.hotline.open_ticket(concern, Requester("web:one", "client-1"))
    with pytest.raises(RateLimited):
        services.hotline.open_ticket(concern, Requester("web:one", "client-1"))
    assert len(services.tickets.list()) == 3


def test_no_mailbox_can_be_flooded_through_bookings(database_url, make_services, clock, smtp_sink):
    services = make_services(database_url, clock=clock, SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp_sink.port))
    sent = []
    for index, when in enumerate([slot(8, hour) for hour in (9, 10, 11, 13, 14, 15)] + [slot(9, 9)]):
        booked = services.consultations.book(
            request(when, email="victim@example.org"), Requester(f"web:{index}", f"client-{index}")
        )
        sent.append(booked.mail_sent)
    assert sent == [True] * 5 + [False] * 2 and len(smtp_sink.messages) == 5


# --- someone else's address ----------------------------------------------------------------------
def test_a_booking_with_someone_elses_address_opens_only_itself(database_url, make_services, clock):
    services = make_services(database_url, clock=clock)
    anna = Requester("web:anna", "client-anna")
    real = services.consultations.book(request(slot(3, 10)), anna).booking
    mark_held_after_start(services.bookings, real.reference)
    draft = DraftService(services.sessions).open(real.reference, "anna@example.org")
    services.tickets.log_unanswered("Annas Frage", "not_understood", conversation_id="web:anna")

    # The attacker books a free slot with Anna's address and gets a reference of their own ...
    mallory = Requester("web:mallory", "client-mallory")
    decoy = services.consultations.book(request(slot(3, 11), name="M", organisation="M"), mallory).booking
    assert services.consultations.identify(decoy.reference, "anna@example.org", mallory).reference == decoy.reference
    # ... which deletes only that booking: Anna's consultation, draft and questions stay.
    result = services.privacy.delete_my_data(decoy.reference, "anna@example.org", mallory)
    assert (result.bookings, result.drafts, result.questions) == (1, 0, 0)
    assert services.bookings.get(real.reference).status == "held"
    assert DraftService(services.sessions).find(real.reference, "anna@example.org").reference == draft.reference
    assert [q.text for q in services.tickets.unanswered()] == ["Annas Frage"]


def test_the_confirmation_mail_carries_nothing_the_booker_typed(database_url, make_services, clock, smtp_sink):
    services = make_services(database_url, clock=clock, SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp_sink.port))
    lure = "Ihr Konto wird gesperrt, melden Sie sich an unter https://evil.example"
    services.consultations.book(
        request(
            slot(3, 10), email="stranger@example.org", name=lure, organisation='=HYPERLINK("https://evil.example")'
        ),
        Requester("web:m", "client-m"),
    )
    ((_sender, _recipients, data),) = smtp_sink.messages
    message = email_lib.message_from_bytes(data if isinstance(data, bytes) else data.encode())
    text = "\n".join(
        part.get_payload(decode=True).decode("utf-8")
        for part in message.walk()
        if part.get_content_maintype() == "text"
    )
    assert "evil.example" not in text and "gesperrt" not in text and "HYPERLINK" not in text
    assert "Falls Sie diesen Termin nicht gebucht haben" in text
