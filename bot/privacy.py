"""Data protection: retention of tickets, logged questions and conversations; deleting a
user's data on request ("Meine Daten löschen")."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, Optional

from sqlalchemy import delete, select
from sqlalchemy.orm import sessionmaker

from bot.booking.reference import normalise_reference
from bot.config import settings
from bot.booking.service import REFERENCE_PREFIX, BookingNotFound
from bot.handoff import transcript
from bot.storage.db import unit_of_work
from bot.storage.models import Booking, DraftApplication, SlotReservation, StaffSession, Ticket, UnansweredQuestion

logger = logging.getLogger(__name__)
STAFF_SESSION_DAYS = 1


def retention_days() -> int:
    return settings().retention_days


@dataclass(frozen=True)
class RetentionResult:
    tickets: int
    questions: int
    conversations: int
    staff_sessions: int


def apply_retention(sessions: sessionmaker, days: Optional[int] = None, tracker_url: Optional[str] = None,
                    now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> RetentionResult:
    """Deletes tickets (with transcripts), logged questions and conversations older than `days`."""
    cutoff = now() - timedelta(days=retention_days() if days is None else days)
    with unit_of_work(sessions) as session:
        tickets = session.execute(delete(Ticket).where(Ticket.created_at < cutoff)).rowcount
        questions = session.execute(delete(UnansweredQuestion).where(UnansweredQuestion.created_at < cutoff)).rowcount
        staff = session.execute(delete(StaffSession).where(
            StaffSession.last_seen_at < now() - timedelta(days=STAFF_SESSION_DAYS))).rowcount
    conversations = transcript.delete_conversations_before(cutoff, tracker_url)
    logger.info("Retention: deleted %d tickets, %d questions, %d conversations", tickets, questions, conversations)
    return RetentionResult(tickets, questions, conversations, staff)


@dataclass(frozen=True)
class DeletionResult:
    bookings: int
    drafts: int
    tickets: int


def delete_personal_data(sessions: sessionmaker, booking_reference: str, email: str) -> DeletionResult:
    """Identified by a booking reference and its e-mail, delete all bookings, drafts and tickets
    of that e-mail address in one transaction. Raises BookingNotFound if they do not match."""
    reference = normalise_reference(booking_reference, REFERENCE_PREFIX)
    address = (email or "").strip().lower()
    with unit_of_work(sessions) as session:
        booking = session.execute(select(Booking).where(Booking.reference == reference)).scalar_one_or_none() \
            if reference else None
        if booking is None or booking.email != address:
            raise BookingNotFound()
        ids = [row[0] for row in session.execute(select(Booking.id).where(Booking.email == address))]
        drafts = session.execute(delete(DraftApplication).where(DraftApplication.booking_id.in_(ids))).rowcount
        session.execute(delete(SlotReservation).where(SlotReservation.booking_id.in_(ids)))
        bookings = session.execute(delete(Booking).where(Booking.id.in_(ids))).rowcount
        tickets = session.execute(delete(Ticket).where(Ticket.contact_email == address)).rowcount
    return DeletionResult(bookings, drafts, tickets)
