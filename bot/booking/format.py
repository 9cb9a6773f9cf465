"""German wording for dates and times, independent of the machine's locale."""

from __future__ import annotations

from datetime import date, datetime

from bot.language import MONTH_NAMES, WEEKDAY_NAMES


def format_day(day: date) -> str:
    """ "Donnerstag, 3. Dezember 2026\""""
    return f"{WEEKDAY_NAMES[day.weekday()]}, {day.day}. {MONTH_NAMES[day.month - 1]} {day.year}"


def format_slot(start: datetime) -> str:
    """ "Donnerstag, 3. Dezember 2026, 10:00 Uhr" (in the datetime's own time zone)."""
    return f"{format_day(start.date())}, {start:%H:%M} Uhr"
