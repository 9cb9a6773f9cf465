"""iCalendar (RFC 5545) file for a booked consultation, written by the `icalendar` library
(escaping, line folding, UTC times)."""

from __future__ import annotations

from datetime import datetime, timezone

from icalendar import Calendar, Event

PRODID = "-//go-cluster//Assistent//DE"


def consultation_event(
    *,
    reference: str,
    start: datetime,
    end: datetime,
    summary: str,
    description: str,
    stamp: datetime,
    status: str = "CONFIRMED",
) -> str:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{reference}@go-cluster-assistent")
    event.add("dtstamp", stamp.astimezone(timezone.utc))
    event.add("dtstart", start.astimezone(timezone.utc))
    event.add("dtend", end.astimezone(timezone.utc))
    event.add("summary", summary)
    event.add("description", description)
    event.add("status", status)
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")
