"""Booking service against real databases (SQLite and PostgreSQL): happy path, concurrency,
rollback, lookup."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.booking.calendar import load_calendar_config
from bot.booking.reference import ALPHABET, normalise_reference
from bot.booking.service import (
    BookingNotFound,
    BookingRequest,
    BookingService,
    InvalidBooking,
    NotStartedYet,
    SlotUnavailable,
)
from bot.dates import TimeWish
from bot.storage.db import StorageUnavailable, session_factory, unit_of_work
from bot.storage.models import Booking, SlotHold, SlotReservation

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=BERLIN)
SLOT = datetime(2026, 12, 3, 10, 0, tzinfo=BERLIN)


@pytest.fixture
def service(storage_url):
    return BookingService(session_factory(storage_url), load_calendar_config(), clock=lambda: NOW)


def request(slot=SLOT, email="Anna.Muster@Cluster.example", **overrides) -> BookingRequest:
    values = dict(
        slot_start=slot,
        format="video",
        name="Anna Muster",
        organisation="Cluster GmbH",
        cluster_name="Cluster Nord",
        email=email,
        phone=None,
        consent_at=NOW,
    )
    values.update(overrides)
    return BookingRequest(**values)


def count(service, model) -> int:
    with unit_of_work(service._sessions) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_happy_path(service):
    booking = service.book(request())
    assert booking.reference.startswith("GC-B-") and len(booking.reference) == 10
    assert all(ch in ALPHABET for ch in booking.reference[5:])
    assert booking.slot_start == SLOT and booking.slot_start.tzinfo == BERLIN
    assert booking.email == "anna.muster@cluster.example"
    assert booking.status == "confirmed"
    assert service.find(booking.reference, "ANNA.MUSTER@cluster.example") == booking


def test_lookup_needs_reference_and_email(service):
    booking = service.book(request())
    with pytest.raises(BookingNotFound):
        service.find(booking.reference, "someone.else@example.org")
    with pytest.raises(BookingNotFound):
        service.find("GC-B-22222", booking.email)
    assert service.find(booking.reference.lower().replace("-", " "), booking.email).reference == booking.reference


def test_slot_can_be_booked_only_once(service):
    service.book(request())
    with pytest.raises(SlotUnavailable) as error:
        service.book(request(email="other@example.org"))
    assert error.value.code == "taken"
    assert count(service, Booking) == 1


def test_twenty_concurrent_attempts_exactly_one_wins(service):
    results, barrier = [], threading.Barrier(20)

    def attempt(number: int) -> None:
        barrier.wait()
        try:
            results.append(service.book(request(email=f"user{number}@example.org")).reference)
        except SlotUnavailable as error:
            results.append(error.code)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [r for r in results if r.startswith("GC-B-")]
    assert len(results) == 20 and len(winners) == 1
    assert results.count("taken") == 19
    assert count(service, Booking) == 1 and count(service, SlotReservation) == 1


def test_failure_inside_the_transaction_leaves_nothing(service, monkeypatch):
    from bot.storage import models

    original = models.SlotReservation.__init__

    def broken(self, **kwargs):
        original(self, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(models.SlotReservation, "__init__", broken)
    with pytest.raises(RuntimeError):
        service.book(request())
    monkeypatch.undo()
    assert count(service, Booking) == 0 and count(service, SlotReservation) == 0
    assert service.book(request()).status == "confirmed"  # the slot is still free


def test_reference_collision_is_retried(service, monkeypatch):
    first = service.book(request())
    references = iter([first.reference, "GC-B-ZZZZZ"])
    monkeypatch.setattr("bot.booking.service.new_reference", lambda prefix: next(references))
    second = service.book(request(slot=SLOT + timedelta(hours=1)))
    assert second.reference == "GC-B-ZZZZZ"


def test_references_are_unique_over_many_bookings(service):
    references = set()
    day = date(2026, 12, 1)
    while len(references) < 40:
        for slot in [
            datetime.combine(day, datetime.min.time(), tzinfo=BERLIN) + timedelta(hours=h)
            for h in (9, 10, 11, 13, 14, 15)
        ]:
            if slot.weekday() < 5 and slot.date() not in (date(2026, 12, 25),):
                references.add(service.book(request(slot=slot, email=f"u{len(references)}@example.org")).reference)
        day += timedelta(days=1)
    assert len(references) >= 40


@pytest.mark.parametrize(
    "slot, code",
    [
        (datetime(2026, 11, 29, 9, tzinfo=BERLIN), "too_soon"),  # 23 h after now
        (datetime(2026, 12, 25, 10, tzinfo=BERLIN), "closed"),  # Christmas Day
        (datetime(2026, 12, 5, 10, tzinfo=BERLIN), "closed"),  # Saturday
        (datetime(2026, 12, 3, 10, 15, tzinfo=BERLIN), "not_a_slot"),
        (datetime(2026, 12, 3, 12, tzinfo=BERLIN), "not_a_slot"),  # lunch break
        (datetime(2027, 6, 1, 9, tzinfo=BERLIN), "too_far"),
    ],
)
def test_rules_are_checked_when_booking(service, slot, code):
    with pytest.raises(SlotUnavailable) as error:
        service.book(request(slot=slot))
    assert error.value.code == code
    assert count(service, Booking) == 0


def test_phone_format_needs_a_number(service):
    with pytest.raises(InvalidBooking):
        service.book(request(format="telefon", phone=None))
    assert service.book(request(format="telefon", phone="+49301234567")).phone == "+49301234567"


def test_reschedule_moves_the_reservation(service):
    booking = service.book(request())
    moved = service.reschedule(booking.reference, booking.email, SLOT + timedelta(days=1))
    assert moved.slot_start == SLOT + timedelta(days=1) and moved.reference == booking.reference
    other = service.book(request(email="b@example.org"))  # the old slot is free again
    assert other.slot_start == SLOT
    with pytest.raises(SlotUnavailable):
        service.reschedule(booking.reference, booking.email, SLOT)


def test_cancel_frees_the_slot_and_keeps_the_record(service):
    booking = service.book(request())
    cancelled = service.cancel(booking.reference, booking.email)
    assert cancelled.status == "cancelled"
    assert count(service, SlotReservation) == 0 and count(service, Booking) == 1
    with pytest.raises(InvalidBooking):
        service.cancel(booking.reference, booking.email)
    assert service.book(request(email="next@example.org")).slot_start == SLOT


def test_staff_block_day_and_slot(service):
    service.block_slot(SLOT, "Teamsitzung")
    with pytest.raises(SlotUnavailable) as error:
        service.book(request())
    assert error.value.code == "blocked"
    assert service.unblock_slot(SLOT)
    booking = service.book(request())
    affected = service.block_day(SLOT.date(), "Betriebsausflug")
    assert [b.reference for b in affected] == [booking.reference]
    with pytest.raises(SlotUnavailable):
        service.book(request(slot=SLOT + timedelta(hours=1)))


# Staff mark a consultation as held: only a confirmed one, and only once it has begun, by the
# service's own clock (marked a minute early, "held" would open a draft application too soon).
@pytest.mark.parametrize(
    "before, staff_at, expected",
    [
        pytest.param("confirmed", SLOT + timedelta(days=2), "held", id="past"),
        pytest.param("confirmed", SLOT + timedelta(minutes=30), "held", id="running"),
        pytest.param("confirmed", SLOT, "held", id="now-at-start"),
        pytest.param("confirmed", SLOT - timedelta(minutes=1), "not_started", id="future-one-minute"),
        pytest.param("confirmed", SLOT - timedelta(days=10), "not_started", id="future-ten-days"),
        pytest.param("cancelled", SLOT + timedelta(days=2), "cancelled", id="cancelled"),
        pytest.param("held", SLOT + timedelta(days=2), "held-again", id="already-held"),
    ],
)
def test_mark_held_only_after_the_consultation_began(database_url, before, staff_at, expected):
    booking = BookingService(session_factory(database_url), load_calendar_config(), clock=lambda: NOW).book(request())
    staff = BookingService(session_factory(database_url), load_calendar_config(), clock=lambda: staff_at)
    if before == "cancelled":
        staff.staff_cancel(booking.reference)
    elif before == "held":
        staff.mark_held(booking.reference)
    if expected == "held":
        held = staff.mark_held(booking.reference)
        assert (held.status, held.held_at) == ("held", staff_at)
        assert staff.get(booking.reference).status == "held"
        return
    with pytest.raises(InvalidBooking) as refused:
        staff.mark_held(booking.reference)
    codes = {"not_started": "not_started", "cancelled": "cancelled", "held-again": "held"}
    assert refused.value.code == codes[expected]
    if expected == "not_started":
        assert isinstance(refused.value, NotStartedYet) and refused.value.slot_start == SLOT
    assert staff.get(booking.reference).status == before  # nothing changed


def test_a_held_consultation_cannot_be_cancelled(database_url):
    booking = BookingService(session_factory(database_url), load_calendar_config(), clock=lambda: NOW).book(request())
    later = BookingService(
        session_factory(database_url), load_calendar_config(), clock=lambda: SLOT + timedelta(hours=1)
    )
    later.mark_held(booking.reference)
    with pytest.raises(InvalidBooking):
        later.cancel(booking.reference, booking.email)


def test_all_bookings_of_every_day(service):
    first = service.book(request())
    later = service.book(request(slot=SLOT + timedelta(days=14), email="b@example.org"))
    cancelled = service.book(request(slot=SLOT + timedelta(days=1), email="c@example.org"))
    service.cancel(cancelled.reference, cancelled.email)
    assert [b.reference for b in service.all_bookings()] == [first.reference, cancelled.reference, later.reference]
    assert [b.reference for b in service.all_bookings(include_cancelled=False)] == [first.reference, later.reference]


def test_unreachable_database_raises_storage_unavailable(tmp_path):
    url = f"sqlite:///{tmp_path / 'missing' / 'dir' / 'x.db'}"
    service = BookingService(session_factory(url), load_calendar_config(), clock=lambda: NOW)
    with pytest.raises(StorageUnavailable):  # tables missing: migrations never ran
        service.find("GC-B-22222", "a@example.org")


def test_reference_normalisation():
    assert normalise_reference("gc-b-7k3q9", "B") == "GC-B-7K3Q9"
    assert normalise_reference("GC B 7K3Q9", "B") == "GC-B-7K3Q9"
    assert normalise_reference("7K3Q9", "B") == "GC-B-7K3Q9"
    assert normalise_reference("GC-B-7K3Q0", "B") == ""  # 0 is not in the alphabet
    assert normalise_reference("hallo", "B") == ""


def test_times_are_stored_in_utc(service):
    service.book(request())
    with unit_of_work(service._sessions) as session:
        stored = session.execute(select(Booking.slot_start)).scalar_one()
    assert stored == SLOT.astimezone(timezone.utc)


def test_a_retried_booking_is_not_made_twice(service):
    """The first try reached the database but its answer was lost (time-out): the retry from the
    same conversation gets that booking back; anyone else still finds the slot taken."""
    first_try = request(conversation_id="web:anna")
    first = service.book(first_try)
    again = service.book(first_try)
    assert again.reference == first.reference
    assert len(service.bookings_between(first.slot_start.date(), first.slot_start.date())) == 1
    for other in (
        request(conversation_id="web:someone-else"),
        request(email="bob@example.org", conversation_id="web:anna"),
        request(),
    ):
        with pytest.raises(SlotUnavailable):
            service.book(other)


# --- holds: a chosen slot is kept for its conversation while it gives its details ----------------
def offered(service, holder=None):
    wish = TimeWish(SLOT.date(), SLOT.date(), None, None, None)
    return service.propose(wish, count=10, holder=holder).slots


def test_a_held_slot_is_neither_offered_nor_bookable_for_others(service):
    expires = service.hold(SLOT, "chat-a")
    assert expires == NOW + timedelta(minutes=service.config.hold_minutes)
    assert SLOT not in offered(service, "chat-b") and SLOT not in offered(service)
    assert SLOT in offered(service, "chat-a")  # the holder still sees its choice
    with pytest.raises(SlotUnavailable) as error:
        service.hold(SLOT, "chat-b")
    assert error.value.code == "taken"
    with pytest.raises(SlotUnavailable):
        service.book(request(email="b@example.org", conversation_id="chat-b"))
    with pytest.raises(SlotUnavailable):
        service.book(request(email="c@example.org"))  # no conversation: no claim on the hold
    booking = service.book(request(conversation_id="chat-a"))
    assert booking.slot_start == SLOT and count(service, SlotHold) == 0  # the hold served its purpose


def test_a_hold_lapses_after_the_hold_time(storage_url):
    now = [NOW]
    service = BookingService(session_factory(storage_url), load_calendar_config(), clock=lambda: now[0])
    service.hold(SLOT, "chat-a")
    now[0] = NOW + timedelta(minutes=service.config.hold_minutes) - timedelta(seconds=1)
    assert SLOT not in offered(service, "chat-b")
    now[0] = NOW + timedelta(minutes=service.config.hold_minutes)
    assert SLOT in offered(service, "chat-b")
    service.hold(SLOT, "chat-b")  # a lapsed hold is cleared, not in the way
    assert service.book(request(conversation_id="chat-b")).slot_start == SLOT
    with pytest.raises(SlotUnavailable):
        service.book(request(email="a@example.org", conversation_id="chat-a"))


def test_a_conversation_holds_one_slot_at_a_time(service):
    service.hold(SLOT, "chat-a")
    service.hold(SLOT + timedelta(hours=1), "chat-a")  # changed its mind
    assert SLOT in offered(service, "chat-b") and SLOT + timedelta(hours=1) not in offered(service, "chat-b")
    service.hold(SLOT + timedelta(hours=1), "chat-a")  # the same choice again keeps it
    assert count(service, SlotHold) == 1
    service.release("chat-a")
    assert SLOT + timedelta(hours=1) in offered(service, "chat-b") and count(service, SlotHold) == 0


def test_a_slot_that_cannot_be_booked_cannot_be_held(service):
    service.book(request())
    with pytest.raises(SlotUnavailable) as error:
        service.hold(SLOT, "chat-a")
    assert error.value.code == "taken"
    with pytest.raises(SlotUnavailable) as error:
        service.hold(datetime(2026, 12, 5, 10, tzinfo=BERLIN), "chat-a")  # a Saturday
    assert error.value.code == "closed"
    assert count(service, SlotHold) == 0


def test_twenty_concurrent_holds_exactly_one_wins(service):
    results, barrier = [], threading.Barrier(20)

    def attempt(number: int) -> None:
        barrier.wait()
        try:
            service.hold(SLOT, f"chat-{number}")
            results.append(f"chat-{number}")
        except SlotUnavailable as error:
            results.append(error.code)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [r for r in results if r.startswith("chat-")]
    assert len(results) == 20 and len(winners) == 1 and results.count("taken") == 19
    assert service.book(request(conversation_id=winners[0])).slot_start == SLOT


def test_rescheduling_into_a_held_slot_needs_the_hold(service):
    booking = service.book(request(slot=SLOT + timedelta(days=1)))
    service.hold(SLOT, "chat-other")
    with pytest.raises(SlotUnavailable):
        service.reschedule(booking.reference, booking.email, SLOT, holder="chat-mine")
    service.release("chat-other")
    service.hold(SLOT, "chat-mine")
    assert service.reschedule(booking.reference, booking.email, SLOT, holder="chat-mine").slot_start == SLOT
    assert count(service, SlotHold) == 0
