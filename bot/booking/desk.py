"""Use cases of the consultation booking, each one whole: limits, storage and mail.

Who may see or change a booking: whoever gives its booking reference together with its e-mail
address. The reference is only ever shown to the person who booked (in the chat and in the
confirmation mail), and wrong guesses are limited per conversation, per network address and per
e-mail address, so references cannot be found by trying. Booking needs no proof of the address,
so a booking made with someone else's address gives access to that one booking only — never to
the other bookings, drafts or tickets of the address (see bot/privacy.py). The confirmation mail
contains no text the booker typed, so it cannot carry a message to a stranger's mailbox.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Callable

from bot.booking.calendar import CalendarConfig, Proposal
from bot.booking.format import format_slot
from bot.booking.ics import consultation_event
from bot.booking.service import BookingNotFound, BookingRequest, BookingService, BookingView
from bot.dates import TimeWish
from bot.knowledge.content import Messages
from bot.notify.mail import Mailer
from bot.ratelimit import Limit, RateLimited, RateLimiter
from bot.requester import Requester
from bot.storage.db import StorageUnavailable


@dataclass(frozen=True)
class Booked:
    booking: BookingView
    calendar_url: str
    mail_sent: bool


@dataclass(frozen=True)
class DeskLimits:
    bookings_per_conversation: Limit
    bookings_per_client: Limit
    lookup_failures_per_conversation: Limit
    lookup_failures_per_client: Limit
    lookup_failures_per_email: Limit
    slot_holds_per_client: Limit


class ConsultationDesk:
    def __init__(
        self,
        bookings: BookingService,
        limiter: RateLimiter,
        limits: DeskLimits,
        mailer: Mailer,
        messages: Messages,
        calendar_link: Callable[[str], str],
    ) -> None:
        self.bookings = bookings
        self._limiter = limiter
        self._limits = limits
        self._mailer = mailer
        self._say = messages.render
        self._calendar_link = calendar_link  # booking reference -> signed URL of its .ics file

    @property
    def calendar(self) -> CalendarConfig:
        return self.bookings.config

    # --- identification ------------------------------------------------------------------
    def identify(self, reference: str, email: str, requester: Requester) -> BookingView:
        """The booking with this reference and e-mail. Raises BookingNotFound, or RateLimited when
        too many wrong pairs came from this conversation, this address or for this e-mail."""
        limits = self._limits
        keys = (
            (limits.lookup_failures_per_conversation, requester.conversation_id),
            (limits.lookup_failures_per_client, requester.client),
            (limits.lookup_failures_per_email, (email or "").strip().lower()),
        )
        for limit, key in keys:
            self._limiter.check(limit, key)
        try:
            return self.bookings.find(reference, email)
        except BookingNotFound:
            for limit, key in keys:
                try:
                    self._limiter.hit(limit, key)
                except (RateLimited, StorageUnavailable):  # counting must not change the answer
                    pass
            raise

    # --- booking -------------------------------------------------------------------------
    def propose(self, wish: TimeWish, requester: Requester) -> Proposal:
        """Free slots for the wish; the slot this conversation holds counts as free for it."""
        return self.bookings.propose(wish, holder=requester.conversation_id)

    def hold(self, slot: datetime, requester: Requester) -> bool:
        """Keeps the chosen slot for this conversation while it gives its details; False when the
        choice stands without a hold (too many holds from this address, database trouble): the
        booking checks the slot again. Raises SlotUnavailable when the slot is not free."""
        if not requester.conversation_id:
            return False
        try:
            self._limiter.hit(self._limits.slot_holds_per_client, requester.client)
            self.bookings.hold(slot, requester.conversation_id)
        except (RateLimited, StorageUnavailable):
            return False
        return True

    def release(self, requester: Requester) -> None:
        """Gives the conversation's held slot back (consent declined); otherwise a hold lapses."""
        if not requester.conversation_id:
            return
        try:
            self.bookings.release(requester.conversation_id)
        except StorageUnavailable:
            pass

    def book(self, request: BookingRequest, requester: Requester) -> Booked:
        """Books the slot for this conversation and sends the confirmation mail.

        Raises RateLimited (too many bookings from this conversation or address), SlotUnavailable,
        InvalidBooking, StorageUnavailable."""
        limits = self._limits
        self._limiter.check(limits.bookings_per_conversation, requester.conversation_id)
        self._limiter.check(limits.bookings_per_client, requester.client)
        booking = self.bookings.book(replace(request, conversation_id=requester.conversation_id))
        for limit, key in (
            (limits.bookings_per_conversation, requester.conversation_id),
            (limits.bookings_per_client, requester.client),
        ):
            try:
                self._limiter.hit(limit, key)
            except (RateLimited, StorageUnavailable):  # the booking stands; the next one is refused
                pass
        return self._confirmed(booking)

    def reschedule(self, reference: str, email: str, new_slot: datetime, requester: Requester) -> BookingView:
        """The chat shows the new time and the calendar link; no mail (the booking already had one)."""
        return self.bookings.reschedule(reference, email, new_slot, holder=requester.conversation_id)

    def cancel(self, reference: str, email: str) -> BookingView:
        return self.bookings.cancel(reference, email)

    # --- confirmation --------------------------------------------------------------------
    def calendar_url(self, booking: BookingView) -> str:
        return self._calendar_link(booking.reference)

    def calendar_file(self, booking: BookingView) -> str:
        """The .ics of a booking; a cancelled booking yields a cancelled event."""
        label = self.calendar.formats.get(booking.format, booking.format)
        return consultation_event(
            reference=booking.reference,
            start=booking.slot_start,
            end=booking.slot_end,
            summary=self._say("booking_ics_summary", format=label),
            description=self._say("booking_ics_description", reference=booking.reference),
            stamp=booking.created_at,
            status="CANCELLED" if booking.status == "cancelled" else "CONFIRMED",
        )

    def _confirmed(self, booking: BookingView) -> Booked:
        url = self.calendar_url(booking)
        subject, body = self.confirmation_mail(booking, url)
        attachment = (f"{booking.reference}.ics", "text/calendar", self.calendar_file(booking).encode("utf-8"))
        sent = self._mailer.to_user(booking.email, subject, body, [attachment])
        return Booked(booking, url, sent)

    def confirmation_mail(self, booking: BookingView, calendar_url: str) -> "tuple[str, str]":
        """Subject and body: fixed texts, the date and the reference only. Nothing the booker typed
        (name, organisation) goes into a mail to an address nobody has verified."""
        label = self.calendar.formats.get(booking.format, booking.format)
        subject = self._say("booking_mail_subject", reference=booking.reference)
        body = self._say(
            "booking_mail_body",
            slot=format_slot(booking.slot_start),
            format=label,
            reference=booking.reference,
            url=calendar_url,
        )
        return subject, body
