"""Booking service: the only place that reads and writes consultation bookings.

Each public method is one unit of work (one transaction). The database guarantees that a slot
is booked at most once (slot_reservations has the slot as primary key); this service checks the
calendar rules again inside the transaction, so a slot offered minutes ago but taken or
blocked since is refused cleanly.

A slot chosen in the chat is held for that conversation (slot_holds, one per slot and one per
conversation) for the calendar's hold_minutes while the person gives name and e-mail: others are
neither offered it nor can book it meanwhile, so the confirmation does not fail at the last step.
A hold is a courtesy, not a booking: when it has lapsed the slot is simply checked again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Callable, List, Optional

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.booking.calendar import CalendarConfig, Closures, Proposal, bookable_problem, propose
from bot.booking.reference import new_reference, normalise_reference
from bot.clock import utc_now
from bot.dates import TimeWish
from bot.errors import DomainError
from bot.storage.db import unit_of_work
from bot.storage.models import BlockedDay, BlockedSlot, Booking, SlotHold, SlotReservation

REFERENCE_PREFIX = "B"
CONFIRMED, CANCELLED, HELD = "confirmed", "cancelled", "held"
STATUSES = (CONFIRMED, CANCELLED, HELD)
FORMATS = ("telefon", "video")
REFERENCE_ATTEMPTS = 5


class BookingError(DomainError):
    """Booking errors; `code` names the reason for messages and logs."""


class SlotUnavailable(BookingError):
    code = "taken"


class BookingNotFound(BookingError):
    code = "not_found"


class InvalidBooking(BookingError):
    code = "invalid"


class NotStartedYet(InvalidBooking):
    """A consultation cannot be marked as held before it has begun."""

    code = "not_started"

    def __init__(self, slot_start: datetime) -> None:
        super().__init__()
        self.slot_start = slot_start


@dataclass(frozen=True)
class BookingRequest:
    slot_start: datetime
    format: str
    name: str
    organisation: str
    cluster_name: str
    email: str
    phone: Optional[str]
    consent_at: datetime
    conversation_id: Optional[str] = None  # where it was booked; "Meine Daten löschen" removes it


@dataclass(frozen=True)
class BookingView:
    reference: str
    status: str
    slot_start: datetime  # in the calendar's time zone
    slot_minutes: int
    format: str
    name: str
    organisation: str
    cluster_name: str
    email: str
    phone: Optional[str]
    created_at: datetime
    held_at: Optional[datetime]
    conversation_id: Optional[str] = None

    @property
    def slot_end(self) -> datetime:
        return self.slot_start + timedelta(minutes=self.slot_minutes)


def find_booking(session: Session, reference: str, email: Optional[str] = None) -> Booking:
    """The booking row with this reference (and, if given, this e-mail); the one look-up that
    bookings, drafts and "Meine Daten löschen" share. Raises BookingNotFound."""
    normalised = normalise_reference(reference or "", REFERENCE_PREFIX)
    booking = (
        session.execute(select(Booking).where(Booking.reference == normalised)).scalar_one_or_none()
        if normalised
        else None
    )
    # Reference and e-mail must both match; a wrong e-mail reveals nothing.
    if booking is None or (email is not None and booking.email != email.strip().lower()):
        raise BookingNotFound()
    return booking


class BookingService:
    def __init__(self, sessions: sessionmaker, config: CalendarConfig, clock: Callable[[], datetime] = utc_now) -> None:
        self._sessions = sessions
        self.config = config
        self._clock = clock

    # --- reading ---------------------------------------------------------------------------
    def _view(self, booking: Booking) -> BookingView:
        return BookingView(
            reference=booking.reference,
            status=booking.status,
            slot_start=booking.slot_start.astimezone(self.config.tz),
            slot_minutes=booking.slot_minutes,
            format=booking.format,
            name=booking.name,
            organisation=booking.organisation,
            cluster_name=booking.cluster_name,
            email=booking.email,
            phone=booking.phone,
            created_at=booking.created_at,
            held_at=booking.held_at,
            conversation_id=booking.conversation_id,
        )

    def _day_bounds(self, first_day: date, last_day: date):
        start = datetime.combine(first_day, time.min, tzinfo=self.config.tz)
        end = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=self.config.tz)
        return start, end

    def _closures(self, session: Session, first_day: date, last_day: date, holder: Optional[str] = None) -> Closures:
        """Booked slots, slots held for other conversations than `holder`, blocked days and slots."""
        start, end = self._day_bounds(first_day, last_day)
        booked = session.execute(
            select(SlotReservation.slot_start).where(
                SlotReservation.slot_start >= start, SlotReservation.slot_start < end
            )
        ).scalars()
        held = session.execute(
            select(SlotHold.slot_start).where(
                SlotHold.slot_start >= start,
                SlotHold.slot_start < end,
                SlotHold.expires_at > self._clock(),
                SlotHold.conversation_id != (holder or ""),
            )
        ).scalars()
        taken = set(booked) | set(held)
        days = session.execute(
            select(BlockedDay.day).where(BlockedDay.day >= first_day, BlockedDay.day <= last_day)
        ).scalars()
        slots = session.execute(
            select(BlockedSlot.slot_start).where(BlockedSlot.slot_start >= start, BlockedSlot.slot_start < end)
        ).scalars()
        return Closures(frozenset(taken), frozenset(days), frozenset(slots))

    def propose(self, wish: TimeWish, count: int = 3, holder: Optional[str] = None) -> Proposal:
        """Free slots for the wish; a slot held for `holder` counts as free for it."""
        now = self._clock()
        today = now.astimezone(self.config.tz).date()
        # Alternatives may lie around the wish: load closures for the whole bookable horizon.
        horizon = today + timedelta(days=self.config.horizon_days)
        with unit_of_work(self._sessions) as session:
            closures = self._closures(session, today, max(horizon, wish.last_day), holder)
        return propose(self.config, wish, now, closures, count)

    def _find(self, session: Session, reference: str, email: Optional[str] = None) -> Booking:
        return find_booking(session, reference, email)

    def get(self, reference: str) -> BookingView:
        """By reference alone: for staff and for links signed by the bot (calendar files)."""
        with unit_of_work(self._sessions) as session:
            return self._view(self._find(session, reference))

    def find(self, reference: str, email: str) -> BookingView:
        with unit_of_work(self._sessions) as session:
            return self._view(self._find(session, reference, email))

    # --- writing ---------------------------------------------------------------------------
    def _check_bookable(self, session: Session, slot: datetime, holder: Optional[str] = None) -> None:
        day = slot.astimezone(self.config.tz).date()
        problem = bookable_problem(self.config, slot, self._clock(), self._closures(session, day, day, holder))
        if problem:
            raise SlotUnavailable(problem)

    def hold(self, slot: datetime, holder: str) -> datetime:
        """Keeps a bookable slot for this conversation until the returned time; a conversation's
        earlier hold is given up. Raises SlotUnavailable (with the calendar's reason)."""
        now = self._clock()
        try:
            with unit_of_work(self._sessions) as session:
                session.execute(
                    delete(SlotHold).where(or_(SlotHold.expires_at <= now, SlotHold.conversation_id == holder))
                )
                self._check_bookable(session, slot, holder)
                expires = now + timedelta(minutes=self.config.hold_minutes)
                session.add(SlotHold(slot_start=slot, conversation_id=holder, expires_at=expires))
                session.flush()
                return expires
        except IntegrityError:  # held by another conversation a moment ago
            raise SlotUnavailable("taken") from None

    def release(self, holder: str) -> None:
        """Gives up the conversation's hold (booking given up or done)."""
        with unit_of_work(self._sessions) as session:
            session.execute(delete(SlotHold).where(SlotHold.conversation_id == holder))

    def book(self, request: BookingRequest) -> BookingView:
        if request.format not in FORMATS:
            raise InvalidBooking("format")
        if request.format == "telefon" and not request.phone:
            raise InvalidBooking("phone")
        for _attempt in range(REFERENCE_ATTEMPTS):
            try:
                with unit_of_work(self._sessions) as session:
                    self._check_bookable(session, request.slot_start, request.conversation_id)
                    booking = Booking(
                        reference=new_reference(REFERENCE_PREFIX),
                        status=CONFIRMED,
                        slot_start=request.slot_start,
                        slot_minutes=self.config.slot_minutes,
                        format=request.format,
                        name=request.name,
                        organisation=request.organisation,
                        cluster_name=request.cluster_name,
                        email=request.email.strip().lower(),
                        phone=request.phone,
                        consent_at=request.consent_at,
                        conversation_id=request.conversation_id,
                    )
                    session.add(booking)
                    session.flush()
                    session.add(SlotReservation(slot_start=request.slot_start, booking_id=booking.id))
                    session.flush()
                    self._drop_holds(session, request.slot_start, request.conversation_id)
                    return self._view(booking)
            except (IntegrityError, SlotUnavailable) as error:
                holder = self._holder(request.slot_start)
                if holder is not None and self._same_request(holder, request):
                    return holder  # a retry of a booking that did reach the database: not twice
                if isinstance(error, SlotUnavailable):
                    raise
                if holder is not None:
                    raise SlotUnavailable("taken") from None
                # Otherwise the random reference collided with an existing one: try a new one.
        raise BookingError("reference")

    @staticmethod
    def _drop_holds(session: Session, slot: datetime, holder: Optional[str]) -> None:
        """Booked: the slot's hold (it served its purpose, or had lapsed) and the booker's go."""
        condition = SlotHold.slot_start == slot
        session.execute(
            delete(SlotHold).where(or_(condition, SlotHold.conversation_id == holder) if holder else condition)
        )

    def _holder(self, slot: datetime) -> Optional[BookingView]:
        """The booking that holds this slot, if any."""
        with unit_of_work(self._sessions) as session:
            reservation = session.get(SlotReservation, slot)
            return self._view(session.get(Booking, reservation.booking_id)) if reservation else None

    @staticmethod
    def _same_request(booking: BookingView, request: BookingRequest) -> bool:
        return (
            booking.status == CONFIRMED
            and request.conversation_id is not None
            and booking.conversation_id == request.conversation_id
            and booking.email == request.email.strip().lower()
        )

    def reschedule(self, reference: str, email: str, new_slot: datetime, holder: Optional[str] = None) -> BookingView:
        try:
            with unit_of_work(self._sessions) as session:
                booking = self._find(session, reference, email)
                if booking.status != CONFIRMED:
                    raise InvalidBooking(booking.status)
                self._check_bookable(session, new_slot, holder)
                session.execute(delete(SlotReservation).where(SlotReservation.booking_id == booking.id))
                session.flush()
                booking.slot_start = new_slot
                session.add(SlotReservation(slot_start=new_slot, booking_id=booking.id))
                session.flush()
                self._drop_holds(session, new_slot, holder)
                return self._view(booking)
        except IntegrityError:
            raise SlotUnavailable("taken") from None

    def _cancel(self, session: Session, booking: Booking) -> BookingView:
        if booking.status != CONFIRMED:
            raise InvalidBooking(booking.status)
        session.execute(delete(SlotReservation).where(SlotReservation.booking_id == booking.id))
        booking.status = CANCELLED
        booking.cancelled_at = self._clock()
        return self._view(booking)

    def cancel(self, reference: str, email: str) -> BookingView:
        with unit_of_work(self._sessions) as session:
            return self._cancel(session, self._find(session, reference, email))

    # --- staff ----------------------------------------------------------------------------
    def bookings_between(self, first_day: date, last_day: date, include_cancelled: bool = False) -> List[BookingView]:
        start, end = self._day_bounds(first_day, last_day)
        query = (
            select(Booking).where(Booking.slot_start >= start, Booking.slot_start < end).order_by(Booking.slot_start)
        )
        if not include_cancelled:
            query = query.where(Booking.status != CANCELLED)
        with unit_of_work(self._sessions) as session:
            return [self._view(b) for b in session.execute(query).scalars()]

    def all_bookings(self, include_cancelled: bool = True) -> List[BookingView]:
        """Every booking of every day, in time order (staff: `bookings list --all`)."""
        query = select(Booking).order_by(Booking.slot_start)
        if not include_cancelled:
            query = query.where(Booking.status != CANCELLED)
        with unit_of_work(self._sessions) as session:
            return [self._view(b) for b in session.execute(query).scalars()]

    def staff_cancel(self, reference: str) -> BookingView:
        with unit_of_work(self._sessions) as session:
            return self._cancel(session, self._find(session, reference))

    def mark_held(self, reference: str) -> BookingView:
        """Only a confirmed consultation that has started (by this service's clock) can be held:
        a draft application opens after a held consultation, so "held" must not come early."""
        with unit_of_work(self._sessions) as session:
            booking = self._find(session, reference)
            if booking.status != CONFIRMED:
                raise InvalidBooking(booking.status)
            view = self._view(booking)
            if view.slot_start > self._clock():
                raise NotStartedYet(view.slot_start)
            booking.status = HELD
            booking.held_at = self._clock()
            return self._view(booking)

    def block_day(self, day: date, reason: str = "") -> List[BookingView]:
        """Block a day; returns the confirmed bookings on it, which staff must rearrange."""
        with unit_of_work(self._sessions) as session:
            if session.get(BlockedDay, day) is None:
                session.add(BlockedDay(day=day, reason=reason))
        return self.bookings_between(day, day)

    def unblock_day(self, day: date) -> bool:
        with unit_of_work(self._sessions) as session:
            return session.execute(delete(BlockedDay).where(BlockedDay.day == day)).rowcount > 0

    def block_slot(self, slot: datetime, reason: str = "") -> None:
        if bookable_problem(self.config, slot, slot - self.config.lead_time) == "not_a_slot":
            raise InvalidBooking("not_a_slot")
        with unit_of_work(self._sessions) as session:
            if session.get(BlockedSlot, slot) is None:
                session.add(BlockedSlot(slot_start=slot, reason=reason))

    def unblock_slot(self, slot: datetime) -> bool:
        with unit_of_work(self._sessions) as session:
            return session.execute(delete(BlockedSlot).where(BlockedSlot.slot_start == slot)).rowcount > 0
