"""Database tables. Constraints express what must never happen (a slot booked twice)."""

from __future__ import annotations

from datetime import timezone
from typing import Any

from sqlalchemy import Column, Date, ForeignKey, Integer, MetaData, PrimaryKeyConstraint, String, Text
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import DateTime, TypeDecorator

from bot.clock import utc_now

# Stable constraint names, so migrations can refer to them on every database.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
# SQLAlchemy 1.4 ships no type information: the declarative base is Any to mypy, declared so that
# the model classes below may derive from it.
Base: Any = declarative_base(metadata=metadata)


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out; stored as naive UTC on every database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=timezone.utc)


utcnow = utc_now  # column defaults


class Booking(Base):
    __tablename__ = "bookings"

    id = Column(Integer, primary_key=True)
    reference = Column(String(16), nullable=False, unique=True)
    status = Column(String(16), nullable=False)  # confirmed | cancelled | held
    slot_start = Column(UTCDateTime, nullable=False, index=True)
    slot_minutes = Column(Integer, nullable=False)
    format = Column(String(16), nullable=False)  # telefon | video
    name = Column(String(200), nullable=False)
    organisation = Column(String(200), nullable=False)
    cluster_name = Column(String(200), nullable=False)
    email = Column(String(254), nullable=False, index=True)  # stored in lower case
    phone = Column(String(40), nullable=True)
    consent_at = Column(UTCDateTime, nullable=False)
    # The conversation (channel-namespaced sender id) in which it was booked: deleting one's data
    # removes that conversation too.
    conversation_id = Column(String(200), nullable=True, index=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    cancelled_at = Column(UTCDateTime, nullable=True)
    held_at = Column(UTCDateTime, nullable=True)

    reservation = relationship(
        "SlotReservation", back_populates="booking", uselist=False, cascade="all, delete-orphan", passive_deletes=True
    )


class SlotReservation(Base):
    """At most one active booking per slot: the primary key is the slot itself."""

    __tablename__ = "slot_reservations"

    slot_start = Column(UTCDateTime, primary_key=True)
    booking_id = Column(Integer, ForeignKey("bookings.id", ondelete="CASCADE"), nullable=False, unique=True)

    booking = relationship("Booking", back_populates="reservation")


class SlotHold(Base):
    """A slot kept for one conversation while it gives its details (see BookingService.hold): at
    most one hold per slot (primary key) and per conversation (unique); it lapses at expires_at."""

    __tablename__ = "slot_holds"

    slot_start = Column(UTCDateTime, primary_key=True)
    conversation_id = Column(String(200), nullable=False, unique=True)
    expires_at = Column(UTCDateTime, nullable=False, index=True)


class BlockedDay(Base):
    __tablename__ = "blocked_days"

    day = Column(Date, primary_key=True)
    reason = Column(Text, nullable=False, default="")
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


class BlockedSlot(Base):
    __tablename__ = "blocked_slots"

    slot_start = Column(UTCDateTime, primary_key=True)
    reason = Column(Text, nullable=False, default="")
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


class DraftApplication(Base):
    """A membership application being prepared in the chat; one per organisation and booking."""

    __tablename__ = "draft_applications"

    id = Column(Integer, primary_key=True)
    reference = Column(String(16), nullable=False, unique=True)
    booking_id = Column(Integer, ForeignKey("bookings.id", ondelete="CASCADE"), nullable=False, unique=True)
    status = Column(String(20), nullable=False)  # draft | submitted | withdrawn
    organisation_key = Column(String(200), nullable=True, unique=True)  # normalised organisation name
    fields = Column(Text, nullable=False, default="{}")  # JSON: field name -> value
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class Ticket(Base):
    """A hand-off to the hotline team, with everything the bot collected."""

    __tablename__ = "tickets"

    id = Column(Integer, primary_key=True)
    reference = Column(String(16), nullable=False, unique=True)
    topic = Column(String(60), nullable=False, index=True)
    reason = Column(String(40), nullable=False)  # asked_for_person | not_understood | sensitive_topic
    summary = Column(Text, nullable=False)
    contact_name = Column(String(200), nullable=False)
    contact_email = Column(String(254), nullable=True, index=True)
    contact_phone = Column(String(40), nullable=True)
    callback_time = Column(String(200), nullable=True)
    concern = Column(Text, nullable=False)
    transcript = Column(Text, nullable=False, default="[]")  # JSON list of {time, from, text}
    channel = Column(String(40), nullable=False)
    conversation_id = Column(String(200), nullable=True, index=True)
    priority = Column(String(10), nullable=False)  # high | medium | low
    status = Column(String(20), nullable=False)  # new | in_progress | done
    created_at = Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class UnansweredQuestion(Base):
    """A question the bot could not answer, for improving the content."""

    __tablename__ = "unanswered_questions"

    id = Column(Integer, primary_key=True)
    text = Column(Text, nullable=False)
    normalised = Column(String(300), nullable=False, index=True)  # for counting repeats
    guessed_intent = Column(String(80), nullable=True)
    confidence = Column(String(10), nullable=True)
    kind = Column(String(30), nullable=False)  # not_understood | unknown_term | english
    conversation_id = Column(String(200), nullable=True, index=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow, index=True)


class StaffUser(Base):
    __tablename__ = "staff_users"

    id = Column(Integer, primary_key=True)
    username = Column(String(80), nullable=False, unique=True)
    password_hash = Column(String(300), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    # Failed logins are counted in rate_counters, by name, for unknown names alike; an unlock
    # starts a new generation of the account's per-address counters (see login_limits.py).
    unlocked_at = Column(UTCDateTime, nullable=True)


class StaffSession(Base):
    """Server-side dashboard sessions: the cookie holds only a random id."""

    __tablename__ = "staff_sessions"

    id = Column(String(64), primary_key=True)  # sha256 of the cookie value
    user_id = Column(Integer, ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    last_seen_at = Column(UTCDateTime, nullable=False, default=utcnow)


class RateCounter(Base):
    """Events counted per limit, hashed key and fixed time window (see bot/ratelimit.py)."""

    __tablename__ = "rate_counters"
    __table_args__ = (PrimaryKeyConstraint("name", "key", "window_start", name="pk_rate_counters"),)

    name = Column(String(40), nullable=False)
    key = Column(String(64), nullable=False)  # HMAC of the key, never the key itself
    window_start = Column(UTCDateTime, nullable=False, index=True)
    count = Column(Integer, nullable=False)
