"""The mandatory consultation: calendar rules, bookings, references, calendar files."""
from __future__ import annotations



def booking_service():
    """A service on DATABASE_URL and content/calendar.yml (cheap: engine and calendar are shared)."""
    from bot.booking.calendar import load_calendar_config
    from bot.booking.service import BookingService
    from bot.storage.db import session_factory

    return BookingService(session_factory(), load_calendar_config())
