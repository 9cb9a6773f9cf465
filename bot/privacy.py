"""Data protection: retention of tickets, logged questions and conversations; deleting a
user's data on request ("Meine Daten löschen")."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Optional, Tuple

from sqlalchemy import delete
from sqlalchemy.orm import sessionmaker

from bot.booking.service import find_booking
from bot.clock import utc_now
from bot.config import settings
from bot.handoff import transcript
from bot.requester import Requester
from bot.storage.db import unit_of_work
from bot.storage.models import (Booking, DraftApplication, RateCounter, SlotReservation, StaffSession, Ticket,
                               UnansweredQuestion)

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
                    now: Callable[[], datetime] = utc_now) -> RetentionResult:
    """Deletes tickets (with transcripts), logged questions and conversations older than `days`;
    also rate-limit counters whose windows have long ended."""
    cutoff = now() - timedelta(days=retention_days() if days is None else days)
    longest_window = max(spec.window for spec in settings().rate_limits.values())
    with unit_of_work(sessions) as session:
        tickets = session.execute(delete(Ticket).where(Ticket.created_at < cutoff)).rowcount
        questions = session.execute(delete(UnansweredQuestion).where(UnansweredQuestion.created_at < cutoff)).rowcount
        staff = session.execute(delete(StaffSession).where(
            StaffSession.last_seen_at < now() - timedelta(days=STAFF_SESSION_DAYS))).rowcount
        session.execute(delete(RateCounter).where(RateCounter.window_start < now() - longest_window - timedelta(days=1)))
    conversations = transcript.delete_conversations_before(cutoff, tracker_url)
    logger.info("Retention: deleted %d tickets, %d questions, %d conversations", tickets, questions, conversations)
    return RetentionResult(tickets, questions, conversations, staff)


@dataclass(frozen=True)
class DeletionResult:
    bookings: int
    drafts: int
    tickets: int
    questions: int
    conversations: Tuple[str, ...]   # whose stored history the caller must delete from the tracker store


def delete_booking_data(sessions: sessionmaker, booking_reference: str, email: str,
                        requester: Requester) -> DeletionResult:
    """"Meine Daten löschen", for the person who holds this booking reference and its e-mail.

    Deleted, in one transaction: the booking with its slot and its draft application, and the
    hand-off tickets and logged questions of the conversation it was booked in and of the
    conversation asking now. Not deleted: other bookings, drafts or tickets that merely carry the
    same e-mail address — booking needs no proof of the address, so the address alone proves
    nothing (README, Datenschutz). Raises BookingNotFound if reference and e-mail do not match.
    """
    with unit_of_work(sessions) as session:
        booking = find_booking(session, booking_reference, email or "")
        conversations = tuple(sorted({c for c in (booking.conversation_id, requester.conversation_id) if c}))
        drafts = session.execute(delete(DraftApplication).where(DraftApplication.booking_id == booking.id)).rowcount
        session.execute(delete(SlotReservation).where(SlotReservation.booking_id == booking.id))
        session.execute(delete(Booking).where(Booking.id == booking.id))
        tickets = questions = 0
        if conversations:
            tickets = session.execute(delete(Ticket).where(Ticket.conversation_id.in_(conversations))).rowcount
            questions = session.execute(delete(UnansweredQuestion).where(
                UnansweredQuestion.conversation_id.in_(conversations))).rowcount
    return DeletionResult(1, drafts, tickets, questions, conversations)
