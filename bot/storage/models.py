"""Database tables. Constraints express what must never happen (a slot booked twice)."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Column, Date, ForeignKey, Integer, MetaData, String, Text
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import DateTime, TypeDecorator

# Stable constraint names, so migrations can refer to them on every database.
metadata = MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})
Base = declarative_base(metadata=metadata)


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


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Booking(Base):
    __tablename__ = "bookings"

    id = Column(Integer, primary_key=True)
    reference = Column(String(16), nullable=False, unique=True)
    status = Column(String(16), nullable=False)          # confirmed | cancelled | held
    slot_start = Column(UTCDateTime, nullable=False, index=True)
    slot_minutes = Column(Integer, nullable=False)
    format = Column(String(16), nullable=False)          # telefon | video
    name = Column(String(200), nullable=False)
    organisation = Column(String(200), nullable=False)
    cluster_name = Column(String(200), nullable=False)
    email = Column(String(254), nullable=False, index=True)   # stored in lower case
    phone = Column(String(40), nullable=True)
    consent_at = Column(UTCDateTime, nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    cancelled_at = Column(UTCDateTime, nullable=True)
    held_at = Column(UTCDateTime, nullable=True)

    reservation = relationship("SlotReservation", back_populates="booking", uselist=False,
                               cascade="all, delete-orphan", passive_deletes=True)


class SlotReservation(Base):
    """At most one active booking per slot: the primary key is the slot itself."""

    __tablename__ = "slot_reservations"

    slot_start = Column(UTCDateTime, primary_key=True)
    booking_id = Column(Integer, ForeignKey("bookings.id", ondelete="CASCADE"), nullable=False, unique=True)

    booking = relationship("Booking", back_populates="reservation")


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
    status = Column(String(20), nullable=False)                 # entwurf | eingereicht | zurueckgezogen
    organisation_key = Column(String(200), nullable=True, unique=True)   # normalised organisation name
    fields = Column(Text, nullable=False, default="{}")          # JSON: field name -> value
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
