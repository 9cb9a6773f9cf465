"""The mandatory consultation: calendar rules, bookings, references, calendar files."""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def booking_service():
    """The process-wide service on DATABASE_URL and content/calendar.yml."""
    from bot.booking.calendar import load_calendar_config
    from bot.booking.service import BookingService
    from bot.storage.db import session_factory

    return BookingService(session_factory(), load_calendar_config())
