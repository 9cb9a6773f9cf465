"""Data protection: retention of tickets, logged questions and conversations; deleting a
user's data on request ("Meine Daten löschen")."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Optional, Tuple

from sqlalchemy import delete
from sqlalchemy.orm import sessionmaker

from bot.booking.service import find_booking
from bot.clock import Clock, utc_now
from bot.conversations import ConversationStore
from bot.requester import Requester
from bot.storage.db import unit_of_work
from bot.storage.models import (
    Booking,
    DraftApplication,
    RateCounter,
    SlotHold,
    SlotReservation,
    StaffSession,
    Ticket,
    UnansweredQuestion,
)

logger = logging.getLogger(__name__)
STAFF_SESSION_DAYS = 1


@dataclass(frozen=True)
class RetentionResult:
    tickets: int
    questions: int
    conversations: int
    staff_sessions: int


@dataclass(frozen=True)
class DeletionResult:
    bookings: int
    drafts: int
    tickets: int
    questions: int
    conversations: Tuple[str, ...]  # whose stored history is gone (the asking one: see delete_my_data)


class Privacy:
    """The data-protection use cases: retention (daily, by cron) and "Meine Daten löschen"."""

    def __init__(
        self,
        sessions: sessionmaker,
        conversations: ConversationStore,
        retention_days: int,
        longest_rate_window: timedelta,
        clock: Clock = utc_now,
    ) -> None:
        self._sessions = sessions
        self._conversations = conversations
        self.retention_days = retention_days
        self._longest_rate_window = longest_rate_window
        self._clock = clock

    def apply_retention(self, days: Optional[int] = None) -> RetentionResult:
        """Deletes tickets (with transcripts), logged questions and conversations older than `days`
        (default RETENTION_DAYS); also staff sessions, rate-limit counters long over and lapsed slot holds."""
        now = self._clock()
        cutoff = now - timedelta(days=self.retention_days if days is None else days)
        with unit_of_work(self._sessions) as session:
            tickets = session.execute(delete(Ticket).where(Ticket.created_at < cutoff)).rowcount
            questions = session.execute(
                delete(UnansweredQuestion).where(UnansweredQuestion.created_at < cutoff)
            ).rowcount
            staff = session.execute(
                delete(StaffSession).where(StaffSession.last_seen_at < now - timedelta(days=STAFF_SESSION_DAYS))
            ).rowcount
            session.execute(delete(SlotHold).where(SlotHold.expires_at < now))
            session.execute(
                delete(RateCounter).where(
                    RateCounter.window_start < now - self._longest_rate_window - timedelta(days=1)
                )
            )
        conversations = self._conversations.delete_inactive_since(cutoff)
        logger.info("Retention: deleted %d tickets, %d questions, %d conversations", tickets, questions, conversations)
        return RetentionResult(tickets, questions, conversations, staff)

    def delete_my_data(self, booking_reference: str, email: str, requester: Requester) -> DeletionResult:
        """ "Meine Daten löschen", for the person who holds this booking reference and its e-mail.

        Deleted, in one transaction: the booking with its slot and its draft application, and the
        hand-off tickets, logged questions and slot holds of the conversation it was booked in and of the
        conversation asking now; then the stored history of the booking's conversation. The asking
        conversation is still running: the tracker store erases it when it saves this turn (the
        caller flags it). Not deleted: other bookings, drafts or tickets that merely carry the
        same e-mail address — booking needs no proof of the address, so the address alone proves
        nothing (README, Datenschutz). Raises BookingNotFound if reference and e-mail do not match.
        """
        with unit_of_work(self._sessions) as session:
            booking = find_booking(session, booking_reference, email or "")
            conversations = tuple(sorted({c for c in (booking.conversation_id, requester.conversation_id) if c}))
            drafts = session.execute(delete(DraftApplication).where(DraftApplication.booking_id == booking.id)).rowcount
            session.execute(delete(SlotReservation).where(SlotReservation.booking_id == booking.id))
            session.execute(delete(Booking).where(Booking.id == booking.id))
            tickets = questions = 0
            if conversations:
                session.execute(delete(SlotHold).where(SlotHold.conversation_id.in_(conversations)))
                tickets = session.execute(delete(Ticket).where(Ticket.conversation_id.in_(conversations))).rowcount
                questions = session.execute(
                    delete(UnansweredQuestion).where(UnansweredQuestion.conversation_id.in_(conversations))
                ).rowcount
        self._conversations.delete([c for c in conversations if c != requester.conversation_id])
        return DeletionResult(1, drafts, tickets, questions, conversations)
